package dev.fovea.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Hand-written bytes on a raw loopback socket: for what an HTTP client library refuses to send
 * (malformed requests, stalled bodies, other protocols).
 */
final class RawHttp {
    private RawHttp() {}

    /** What came back: the status line's code (0 if none), the headers as text and the body. */
    record Reply(int status, String head, String body, boolean closed) {
        boolean isJsonError() {
            return head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json")
                    && body.startsWith("{\"error\"") && body.contains("\"status\":" + status);
        }
    }

    static Socket open(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code request} and reads until the server closes or {@code timeoutMs} passes without a byte. */
    static Reply exchange(int port, byte[] request, int timeoutMs) {
        try (Socket s = open(port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s, timeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply exchange(int port, String request, int timeoutMs) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMs);
    }

    /** Reads one reply from {@code s}: to the end of the stream, or until it stalls for timeoutMs. */
    static Reply read(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        boolean closed = false;
        byte[] buf = new byte[8192];
        try {
            for (int r; ; ) {
                r = in.read(buf);
                if (r < 0) {
                    closed = true;
                    break;
                }
                got.write(buf, 0, r);
                if (complete(got.toString(StandardCharsets.ISO_8859_1))) break;
            }
        } catch (SocketTimeoutException e) {
            // nothing more within the time: return what came
        } catch (IOException e) {
            closed = true;   // reset
        }
        String all = got.toString(StandardCharsets.ISO_8859_1);
        int split = all.indexOf("\r\n\r\n");
        String head = split < 0 ? all : all.substring(0, split);
        String body = split < 0 ? "" : all.substring(split + 4);
        int status = 0;
        if (head.startsWith("HTTP/1.")) {
            String[] parts = head.split(" ", 3);
            if (parts.length > 1) status = Integer.parseInt(parts[1].trim());
        }
        return new Reply(status, head, body, closed);
    }

    /** A reply whose Content-Length bytes of body have all arrived. */
    private static boolean complete(String all) {
        int split = all.indexOf("\r\n\r\n");
        if (split < 0) return false;
        for (String line : all.substring(0, split).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                int n = Integer.parseInt(line.substring(15).trim());
                return all.length() - split - 4 >= n;
            }
        }
        return false;
    }
}
