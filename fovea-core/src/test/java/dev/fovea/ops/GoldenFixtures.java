package dev.fovea.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of the golden-value fixtures under {@code /dev/fovea/golden/} written by
 * {@code scripts/golden/make_fixtures.py} (the format is described there and in the README beside
 * the fixtures). Strict: an unknown keyword, a short tensor or a missing key fails loudly, so a
 * damaged fixture can never pass as an empty one.
 */
final class GoldenFixtures {
    private GoldenFixtures() {}

    /** One tensor: its dims and its values as read (f32 inputs are exact float32 values). */
    record Array(String dtype, int[] dims, double[] values) {
        float[] floats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            return f;
        }

        int[] ints() {
            int[] a = new int[values.length];
            for (int i = 0; i < a.length; i++) a[i] = (int) values[i];
            return a;
        }
    }

    /** One case: named settings and tensors. */
    record Case(String file, String name, Map<String, Integer> ints, Map<String, String> strings, Map<String, Array> arrays) {
        int i(String key) { return require(ints, key); }

        String s(String key) { return require(strings, key); }

        boolean has(String tensor) { return arrays.containsKey(tensor); }

        /** A tensor that must have exactly the given dims (the check that layouts were not mixed up). */
        Array array(String tensor, int... dims) {
            Array a = require(arrays, tensor);
            if (!Arrays.equals(a.dims, dims)) {
                throw new IllegalStateException(this + ": tensor " + tensor + " has dims " + Arrays.toString(a.dims)
                        + ", expected " + Arrays.toString(dims));
            }
            return a;
        }

        private <T> T require(Map<String, T> map, String key) {
            T v = map.get(key);
            if (v == null) throw new IllegalStateException(this + ": no '" + key + "'");
            return v;
        }

        @Override public String toString() { return file + ": " + name; }
    }

    static List<Case> load(String file) {
        String resource = "/dev/fovea/golden/" + file;
        try (InputStream in = GoldenFixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<String> tokens = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                tokens.addAll(Arrays.asList(t.split("\\s+")));
            }
            return parse(file, tokens);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    private static List<Case> parse(String file, List<String> t) {
        List<Case> cases = new ArrayList<>();
        int p = 0;
        while (p < t.size()) {
            expect(t.get(p++), "case", file);
            String name = t.get(p++);
            Map<String, Integer> ints = new HashMap<>();
            Map<String, String> strings = new HashMap<>();
            Map<String, Array> arrays = new HashMap<>();
            for (String kw = t.get(p++); !kw.equals("end"); kw = t.get(p++)) {
                switch (kw) {
                    case "int" -> {
                        ints.put(t.get(p), Integer.parseInt(t.get(p + 1)));
                        p += 2;
                    }
                    case "str" -> {
                        strings.put(t.get(p), t.get(p + 1));
                        p += 2;
                    }
                    case "tensor" -> {
                        String tensor = t.get(p++);
                        String dtype = t.get(p++);
                        int[] dims = new int[Integer.parseInt(t.get(p++))];
                        int count = 1;
                        for (int d = 0; d < dims.length; d++) count *= dims[d] = Integer.parseInt(t.get(p++));
                        double[] v = new double[count];
                        for (int i = 0; i < count; i++) {
                            String s = t.get(p++);
                            v[i] = switch (dtype) {
                                case "f32" -> Float.parseFloat(s);   // the shortest decimal of a float32: exact
                                case "f64" -> Double.parseDouble(s);
                                case "i32" -> Integer.parseInt(s);
                                default -> throw new IllegalStateException(file + " " + name + ": unknown dtype " + dtype);
                            };
                        }
                        arrays.put(tensor, new Array(dtype, dims, v));
                    }
                    default -> throw new IllegalStateException(file + " " + name + ": unexpected '" + kw + "'");
                }
            }
            cases.add(new Case(file, name, ints, strings, arrays));
        }
        return cases;
    }

    private static void expect(String got, String want, String file) {
        if (!got.equals(want)) throw new IllegalStateException(file + ": expected '" + want + "', got '" + got + "'");
    }
}
