package dev.lanyard.loadtest.scenario;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OrgSignInTest {

    @Test
    void readsHiddenFieldsAsTheBrowserWouldSubmitThem() {
        String html = "<form><input type=\"hidden\" name=\"authz\" value=\"a.b&amp;c\">"
                + "<input type=\"hidden\" name=\"csrf_token\" value=\"tok\"></form>";
        assertEquals("a.b&c", OrgSignIn.hidden(html, "authz"));
        assertEquals("tok", OrgSignIn.hidden(html, "csrf_token"));
        assertThrows(IllegalStateException.class, () -> OrgSignIn.hidden(html, "missing"));
    }

    @Test
    void takesTheCodeFromTheRedirect() {
        assertEquals("c/1+2", OrgSignIn.codeFrom(TokenFixtures.REDIRECT_URI + "?code=c%2F1%2B2&state=s&iss=x"));
        assertThrows(IllegalStateException.class, () -> OrgSignIn.codeFrom("https://evil.example.com/?code=x"));
        assertThrows(IllegalStateException.class, () -> OrgSignIn.codeFrom(TokenFixtures.REDIRECT_URI + "?error=access_denied"));
    }

    @Test
    void pkceChallengeIsS256OfTheVerifier() {
        // RFC 7636 appendix B
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                OrgSignIn.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }
}
