package dev.lanyard.loadtest.scenario;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FormBodyTest {

    @Test
    void encodesFieldsInOrderAndAppendsTheChangingOneLast() {
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put("grant_type", "client_credentials");
        fixed.put("resource", "https://tools.example.com/x/mcp");
        fixed.put("scope", "tickets.read tickets.write");
        fixed.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        FormBody body = new FormBody(fixed, "client_assertion");

        assertEquals("grant_type=client_credentials"
                        + "&resource=https%3A%2F%2Ftools.example.com%2Fx%2Fmcp"
                        + "&scope=tickets.read+tickets.write"
                        + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                        + "&client_assertion=eyJ.a-b_c.d",
                body.with("eyJ.a-b_c.d").toString());
        assertEquals("client_assertion=x", new FormBody(Map.of(), "client_assertion").with("x").toString());
    }

    @Test
    void escapesTheChangingValueToo() {
        FormBody body = new FormBody(Map.of("a", "1"), "b");
        assertEquals("a=1&b=%26%3D+%C3%A9", body.with("&= é").toString());
    }

    @Test
    void plainEncodingMatchesWhatABrowserSends() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("authz", "abc&def");
        form.put("username", "lt-user");
        assertEquals("authz=abc%26def&username=lt-user", FormBody.encode(form));
    }
}
