package dev.fovea.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fovea.FoveaException;
import dev.fovea.onnx.imp.OnnxImporter;
import dev.fovea.onnx.imp.ProtoFiles;
import dev.fovea.onnx.proto.OnnxProto.ModelProto;

/**
 * Fuzz target for the ONNX importer: protobuf bytes are parsed and imported. Accepting or refusing
 * with a one-line FoveaException is fine; any other exception or error escaping is a finding.
 * {@code mvn verify} runs the committed corpus ({@code src/test/resources/dev/fovea/onnx/OnnxFuzzTestInputs/importModel/},
 * a few of the conformance models); {@code scripts/fuzz} fuzzes.
 */
class OnnxFuzzTest {
    @FuzzTest(maxDuration = "1m")
    void importModel(byte[] data) {
        try {
            ModelProto proto = ProtoFiles.parse(data, ModelProto.parser(), "fuzz.onnx: not an ONNX model");
            OnnxImporter.load(proto, "fuzz.onnx", null, OnnxOptions.defaults());
        } catch (FoveaException refused) {
            if (refused.getMessage() == null || refused.getMessage().contains("\n")) {
                throw new IllegalStateException("not a one-line error: " + refused.getMessage(), refused);
            }
        }
    }
}
