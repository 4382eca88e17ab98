package dev.fovea.onnx.imp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.fovea.FoveaException;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;
import dev.fovea.onnx.proto.OnnxProto.TensorProto;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads serialized ONNX messages (model.onnx, test .pb files) from disk. Protobuf itself caps
 * nesting (so a hostile file cannot exhaust the stack) and message sizes; the file size is checked
 * before reading, and a parse failure becomes one line naming the file.
 */
public final class ProtoFiles {
    /** Protobuf messages cannot exceed 2 GiB; larger models keep their weights as external data. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 64;
    private static final int RECURSION_LIMIT = 64;

    private ProtoFiles() {}

    /** The model, wholly on the heap (every tensor's bytes copied into the message). */
    public static ModelProto readModel(Path file) {
        return read(file, ModelProto.parser(), "an ONNX model (onnx.ModelProto)");
    }

    /**
     * The model, parsed from the file mapped into memory, its initializers' raw bytes left in the
     * mapping ({@link MappedModel}): what the importer reads, so weights are decoded once, into
     * their layers.
     */
    public static MappedModel.Parsed mapModel(Path file) {
        dev.fovea.io.InputFiles.requireRegular(file);   // a named pipe or device would block open() or map()
        ByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_BYTES) {
                throw new FoveaException(file + ": " + size + " bytes is more than one protobuf message can hold (2 GiB); "
                        + "models this large keep their weights as external data");
            }
            mapped = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return MappedModel.parse(mapped, file + ": not an ONNX model (onnx.ModelProto)", RECURSION_LIMIT);
    }

    public static TensorProto readTensor(Path file) {
        return read(file, TensorProto.parser(), "an ONNX tensor (onnx.TensorProto)");
    }

    private static <T extends MessageLite> T read(Path file, Parser<T> parser, String what) {
        byte[] bytes;
        dev.fovea.io.InputFiles.requireRegular(file);
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new FoveaException(file + ": " + size + " bytes is more than one protobuf message can hold (2 GiB); "
                        + "models this large keep their weights as external data");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FoveaException(file + ": no such file");
        } catch (IOException e) {
            throw new FoveaException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(bytes, parser, file + ": not " + what);
    }

    /** Parses bytes; errorPrefix starts the one-line error. */
    public static <T extends MessageLite> T parse(byte[] bytes, Parser<T> parser, String errorPrefix) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            in.setSizeLimit(bytes.length);
            T msg = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return msg;
        } catch (InvalidProtocolBufferException e) {
            throw new FoveaException(errorPrefix + " (protobuf: " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            throw new FoveaException(errorPrefix + " (protobuf: " + e.getClass().getSimpleName() + ")");
        }
    }
}
