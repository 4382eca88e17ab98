package dev.fovea.data;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** What Fovea knows about Fashion-MNIST (Xiao, Rasul and Vollgraf, arXiv:1708.07747). */
public final class FashionMnist {
    private FashionMnist() {}

    /** Where the Debian package {@code dataset-fashion-mnist} installs it. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** The class of each label, 0 to 9, as Zalando lists them. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * SHA-256 of the decompressed official label files, header included. Labels identify the
     * dataset as well as the images do (MNIST's label sequences differ) at 1/784 of the hashing.
     */
    private static final List<String> OFFICIAL_LABEL_SHA256 = List.of(
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",  // train-labels-idx1-ubyte
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"); // t10k-labels-idx1-ubyte

    /** Whether these are the official Fashion-MNIST training or test labels. */
    public static boolean isOfficialLabels(IdxArray labels) {
        if (labels.rank() != 1) return false;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(new byte[] {0, 0, (byte) IdxReader.UBYTE, 1});
            int n = labels.dim(0);
            sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            sha.update(labels.values());
            return OFFICIAL_LABEL_SHA256.contains(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
