import { describe, expect, it } from "vitest";
import { markPlatform, platformOf } from "./platform";

describe("platformOf", () => {
  it("tells the three desktops' web views apart", () => {
    // WebKitGTK, WKWebView and WebView2 as they introduce themselves.
    expect(
      platformOf(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
      ),
    ).toBe("linux");
    expect(
      platformOf(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
      ),
    ).toBe("mac");
    expect(
      platformOf(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toBe("windows");
    expect(platformOf("")).toBe("other");
  });

  it("marks the document for the style sheet", () => {
    markPlatform();
    expect(document.documentElement.dataset.platform).toBe(platformOf(navigator.userAgent));
  });
});
