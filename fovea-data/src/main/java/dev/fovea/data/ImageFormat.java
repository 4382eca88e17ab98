package dev.fovea.data;

/**
 * The image formats Fovea loads, recognised by their leading bytes (their signatures in the
 * PNG, JFIF/JPEG, BMP and GIF specifications), never by the file name. Only these four: the JDK
 * also decodes TIFF and WBMP, but WBMP has no signature and would claim arbitrary bytes.
 */
enum ImageFormat {
    PNG("png"), JPEG("jpeg"), BMP("bmp"), GIF("gif");

    /** Enough leading bytes to tell the formats apart. */
    static final int SNIFF_BYTES = 8;

    /** The javax.imageio format name. */
    final String imageioName;

    ImageFormat(String imageioName) {
        this.imageioName = imageioName;
    }

    /** The format whose signature {@code head} starts with, or null. */
    static ImageFormat sniff(byte[] head, int length) {
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return PNG;
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) return JPEG;
        if (startsWith(head, length, 'G', 'I', 'F', '8', '7', 'a') || startsWith(head, length, 'G', 'I', 'F', '8', '9', 'a')) {
            return GIF;
        }
        if (startsWith(head, length, 'B', 'M')) return BMP;
        return null;
    }

    private static boolean startsWith(byte[] head, int length, int... signature) {
        if (length < signature.length) return false;
        for (int i = 0; i < signature.length; i++) {
            if ((head[i] & 0xFF) != signature[i]) return false;
        }
        return true;
    }
}
