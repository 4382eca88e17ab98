package dev.fovea.viz;

/** Small pieces for the stand-alone report pages: escaping and the shared style sheet. */
public final class Html {
    private Html() {}

    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The head of a page: title and a style sheet, no external resource (pages are opened offline). */
    public static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n";
    }

    public static final String TAIL = "</body>\n</html>\n";

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
            h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
            figure { display: inline-block; margin: 0 1rem 1rem 0; vertical-align: top; }
            figcaption { font-size: 0.85rem; color: #555; max-width: 420px; }
            img { image-rendering: pixelated; max-width: 100%; }
            table { border-collapse: collapse; font-size: 0.9rem; }
            th, td { padding: 0.2rem 0.6rem; text-align: right; border-bottom: 1px solid #eee; }
            th:first-child, td:first-child { text-align: left; }
            .bar { background: #1f77b4; height: 0.8rem; display: inline-block; vertical-align: middle; }
            .top .bar { background: #ff7f0e; } .top { font-weight: bold; }
            .note { color: #666; font-size: 0.9rem; }
            code { background: #f4f4f4; padding: 0 0.2rem; }
            """;
}
