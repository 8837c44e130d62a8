package dev.cortado.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesAndParsesTheValuesAHeaderUses() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", List.of(0L, -7L, 9_007_199_254_740_993L));
        value.put("a", "tab\t quote\" slash\\ nul\u0000 é");
        value.put("n", null);
        value.put("t", true);
        value.put("d", 0.5);
        String text = Json.write(value);
        assertEquals("{\"z\":[0,-7,9007199254740993],\"a\":\"tab\\t quote\\\" slash\\\\ nul\\u0000 é\",\"n\":null,"
                + "\"t\":true,\"d\":0.5}", text);
        assertEquals(value, Json.parse(text));
    }

    @Test
    void parsesEscapesWhitespaceAndExponents() {
        assertEquals("A\n/é", Json.parse(" \"\\u0041\\n\\/\\u00e9\" "));
        assertEquals(List.of(1.5e-3, -2L, Map.of()), Json.parse("[1.5E-3 , -2,{ }]"));
    }

    @Test
    void rejectsMalformedTextWithThePosition() {
        for (String bad : Arrays.asList("", "{", "{\"a\" 1}", "[1,]", "\"open", "01", "{\"a\":1}x", "\"\\q\"", "tru",
                "{\"a\":1,\"a\":2}", "[" .repeat(100))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("JSON at character "), e.getMessage());
        }
    }
}
