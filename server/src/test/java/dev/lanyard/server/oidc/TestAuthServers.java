package dev.lanyard.server.oidc;

import dev.lanyard.server.TestServer;

/** Creates resource authorization servers for tests in other packages. */
public final class TestAuthServers {
    private final SignIn signIn;

    public TestAuthServers(TestServer server) {
        this.signIn = new SignIn(server);
    }

    public String create(String status, String... scopes) {
        return signIn.authServer(status, scopes);
    }
}
