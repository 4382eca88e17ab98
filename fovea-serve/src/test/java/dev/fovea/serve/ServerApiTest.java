package dev.fovea.serve;

import dev.fovea.json.JsonArray;
import dev.fovea.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON API over real HTTP on loopback: answers, limits and errors. */
class ServerApiTest {
    static InferenceServer server;
    static Http http;
    static final byte[] PULLOVER = TestModels.pullover();

    @BeforeAll
    static void start() {
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        server = InferenceServer.start(models, ServerConfig.defaults().withPort(0).withMaxBodyBytes(256 * 1024).withMaxPixels(1_000_000), line -> { });
        http = Http.of(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void defaultsAreSafe() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals("127.0.0.1", d.host());
        assertTrue(d.maxBodyBytes() <= 16L << 20 && d.queueCapacity() <= 1024 && d.timeout().toSeconds() <= 60, d.toString());
        assertEquals("127.0.0.1", server.address().getAddress().getHostAddress());
    }

    @Test
    void predictsAPngWithProbabilitiesThatSumToOne() {
        Http.Answer a = http.post("/v1/models/tiny:predict?top_k=3", "image/png", PULLOVER);
        assertEquals(200, a.status(), a.body());
        assertTrue(a.contentType().startsWith("application/json"), a.contentType());
        JsonObject p = a.json().requireArray("predictions").object(0);
        JsonArray top = p.requireArray("top_k");
        assertEquals(3, top.size());
        assertEquals("Pullover", top.object(0).requireString("label"));
        assertEquals(2, top.object(0).requireInt("index"));
        double sum = 0;
        for (int i = 0; i < 10; i++) sum += p.requireArray("probabilities").doubleAt(i);
        assertEquals(1.0, sum, 1e-4);
        assertTrue(a.json().requireString("input").contains("PNG 28x28"), a.body());
        assertEquals("probabilities (output layer dense (Dense) ends in softmax)", a.json().requireString("output"));
    }

    @Test
    void predictsAJpegAndALargerImageResized() throws IOException {
        BufferedImage src = ImageIO.read(new ByteArrayInputStream(PULLOVER));
        BufferedImage big = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
        var g = big.createGraphics();
        g.drawImage(src, 0, 0, 112, 112, null);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(big, "jpeg", jpeg);
        Http.Answer a = http.post("/v1/models/tiny:predict", "image/jpeg", jpeg.toByteArray());
        assertEquals(200, a.status(), a.body());
        assertEquals("Pullover", a.json().requireArray("predictions").object(0).requireArray("top_k").object(0).requireString("label"));
        assertTrue(a.json().requireString("input").contains("JPEG 112x112 RGB -> 28x28 grayscale"), a.body());
    }

    @Test
    void predictsJsonTensorsOneAndSeveral() throws IOException {
        BufferedImage src = ImageIO.read(new ByteArrayInputStream(PULLOVER));
        String one = nested(src);
        Http.Answer a = http.post("/v1/models/tiny:predict", "application/json", ("{\"tensor\": " + one + "}").getBytes());
        assertEquals(200, a.status(), a.body());
        assertEquals("Pullover", a.json().requireArray("predictions").object(0).requireArray("top_k").object(0).requireString("label"));
        Http.Answer three = http.post("/v1/models/tiny:predict", "application/json; charset=utf-8",
                ("{\"tensor\": [" + one + "," + one + "," + one + "]}").getBytes());
        assertEquals(200, three.status(), three.body());
        assertEquals(3, three.json().requireArray("predictions").size());
    }

    @Test
    void badJsonTensorsAre400WithAMessageSayingWhatFits() {
        List<String[]> cases = List.of(
                new String[] {"{\"tensor\": [[1, 2], [3, 4]]}", "nested 2 deep"},
                new String[] {"{\"tensor\": " + zeros(28, 27) + "}", "has length 27"},
                new String[] {"{\"pixels\": []}", "{\"tensor\": [...]}"},
                new String[] {"{\"tensor\": " + zeros(28, 28).replaceFirst("0", "\"a\"") + "}", "a string, not a number"},
                new String[] {"{\"tensor\": [1,", "request body:1:"});
        for (String[] c : cases) {
            Http.Answer a = http.post("/v1/models/tiny:predict", "application/json", c[0].getBytes());
            assertEquals(400, a.status(), a.body());
            assertEquals("bad_request", a.json().requireObject("error").requireString("code"));
            assertTrue(a.errorMessage().contains(c[1]), c[1] + " in " + a.body());
        }
    }

    @Test
    void badAndUnsupportedImagesAre400And415() {
        Http.Answer text = http.post("/v1/models/tiny:predict", "text/plain", "hello".getBytes());
        assertEquals(415, text.status(), text.body());
        assertTrue(text.errorMessage().contains("image/png"), text.body());
        Http.Answer webp = http.post("/v1/models/tiny:predict", "image/webp", PULLOVER);
        assertEquals(415, webp.status(), webp.body());
        Http.Answer junk = http.post("/v1/models/tiny:predict", "image/png", "not a png at all".getBytes());
        assertEquals(400, junk.status(), junk.body());
        Http.Answer truncated = http.post("/v1/models/tiny:predict", "image/png", Arrays.copyOf(PULLOVER, PULLOVER.length / 2));
        assertEquals(400, truncated.status(), truncated.body());
        Http.Answer empty = http.post("/v1/models/tiny:predict", "image/png", new byte[0]);
        assertEquals(400, empty.status(), empty.body());
        assertEquals(200, http.get("/healthz").status());
    }

    @Test
    void oversizedBodiesAre413AndPixelBombsAreRefusedFromTheHeader() {
        Http.Answer big = http.post("/v1/models/tiny:predict", "image/png", new byte[300 * 1024]);
        assertEquals(413, big.status(), big.body());
        assertEquals("payload_too_large", big.json().requireObject("error").requireString("code"));
        long start = System.nanoTime();
        Http.Answer bomb = http.post("/v1/models/tiny:predict", "image/png", pngHeaderClaiming(100_000, 100_000));
        assertEquals(400, bomb.status(), bomb.body());
        assertTrue(bomb.errorMessage().contains("above the limit"), bomb.body());
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "refused from the header, not decoded");
    }

    @Test
    void unknownPathsModelsAndMethodsAreJson404And405() {
        Http.Answer path = http.get("/v2/nothing");
        assertEquals(404, path.status());
        assertEquals("not_found", path.json().requireObject("error").requireString("code"));
        assertEquals(404, http.post("/v1/models/resnet:predict", "image/png", PULLOVER).status());
        assertEquals(404, http.post("/v1/models/tiny:train", "image/png", PULLOVER).status());
        assertEquals(405, http.get("/v1/models/tiny:predict").status());
        assertEquals(405, http.post("/v1/models", "application/json", "{}".getBytes()).status());
        Http.Answer k = http.post("/v1/models/tiny:predict?top_k=zero", "image/png", PULLOVER);
        assertEquals(400, k.status(), k.body());
    }

    @Test
    void listsModelsWithShapeLabelsAndSummary() {
        Http.Answer a = http.get("/v1/models");
        assertEquals(200, a.status());
        JsonObject m = a.json().requireArray("models").object(0);
        assertEquals("tiny", m.requireString("name"));
        assertTrue(Arrays.equals(new int[] {28, 28, 1}, m.requireIntArray("input_shape")));
        assertEquals("Ankle boot", m.requireArray("labels").string(9));
        assertTrue(m.requireString("summary").contains("Total params: 13,610"), m.requireString("summary"));
        assertEquals(200, http.get("/v1/models/tiny").status());
    }

    @Test
    void livenessReadinessMetricsAndPage() {
        assertEquals("alive", http.get("/healthz").json().requireString("status"));
        assertEquals("ready", http.get("/readyz").json().requireString("status"));
        http.post("/v1/models/tiny:predict", "image/png", PULLOVER);
        // Counters are bumped just after the answer is sent: give the handler a moment.
        Http.Answer m = http.get("/metrics");
        for (int i = 0; i < 100 && !m.body().contains("endpoint=\"predict\",code=\"200\""); i++) m = http.get("/metrics");
        assertEquals(200, m.status());
        assertTrue(m.contentType().startsWith("text/plain; version=0.0.4"), m.contentType());
        for (String s : List.of("# TYPE fovea_http_requests_total counter", "fovea_http_requests_total{endpoint=\"predict\",code=\"200\"}",
                "fovea_batch_size_bucket{model=\"tiny\",le=\"+Inf\"}", "fovea_queue_depth{model=\"tiny\"} 0",
                "fovea_predict_latency_seconds_count{model=\"tiny\"}")) {
            assertTrue(m.body().contains(s), s + " in\n" + m.body());
        }
        Http.Answer page = http.get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<canvas id=\"canvas\""), "the page has a drawing canvas");
    }

    @Test
    void visualizeReturnsEveryLayerAsAPicture() {
        Http.Answer a = http.post("/v1/models/tiny:visualize", "image/png", PULLOVER);
        assertEquals(200, a.status(), a.body());
        JsonObject v = a.json().requireObject("visualization");
        JsonArray layers = v.requireArray("layers");
        assertEquals(4, layers.size());   // conv2d, max_pooling2d, flatten, dense
        for (int i = 0; i < layers.size(); i++) {
            assertTrue(layers.object(i).requireString("image").startsWith("data:image/png;base64,"));
        }
        assertTrue(v.requireString("saliency").startsWith("data:image/png;base64,"));
        assertEquals(2, v.requireInt("class_index"));
        Http.Answer other = http.post("/v1/models/tiny:visualize?class=Coat", "image/png", PULLOVER);
        assertEquals(4, other.json().requireObject("visualization").requireInt("class_index"));
    }

    /** (28, 28, 1) nested JSON of an image's gray levels in [0, 1]. */
    static String nested(BufferedImage img) {
        StringBuilder b = new StringBuilder("[");
        for (int y = 0; y < 28; y++) {
            b.append(y == 0 ? "[" : ",[");
            for (int x = 0; x < 28; x++) b.append(x == 0 ? "[" : ",[").append((img.getRaster().getSample(x, y, 0)) / 255.0).append(']');
            b.append(']');
        }
        return b.append(']').toString();
    }

    static String zeros(int h, int w) {
        List<String> rows = new ArrayList<>();
        for (int y = 0; y < h; y++) rows.add("[" + String.join(",", java.util.Collections.nCopies(w, "[0]")) + "]");
        return "[" + String.join(",", rows) + "]";
    }

    /** A PNG signature and IHDR chunk claiming width x height, then nothing: decoding would need gigabytes. */
    static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}).putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
