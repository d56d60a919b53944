package io.tdconnect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesAndNests() {
    String json =
        Json.object()
            .put("s", "a\"b\\c\n\u0001")
            .put("n", 5)
            .put("b", true)
            .put("o", Json.object().put("x", (String) null))
            .toString();
    assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":5,\"b\":true,\"o\":{\"x\":null}}", json);
  }
}
