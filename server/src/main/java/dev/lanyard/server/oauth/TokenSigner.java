package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Signs the tokens an authorization server issues, with that server's current signing key, and publishes the public
 * keys that verify them. {@code serverId} is {@link #ORG} for the org authorization server (ID tokens, ID-JAGs) or a
 * resource authorization server's id (access tokens): each server has keys of its own.
 */
public interface TokenSigner {
    String ORG = "org";

    /** A compact JWS with header {@code typ}, {@code alg} and {@code kid} of the current key. */
    String sign(String serverId, JOSEObjectType typ, JWTClaimsSet claims);

    /**
     * Whether signing with the server's current key is cheap enough to do on an event loop: ECDSA on BouncyCastle
     * (≈ 0.1 ms) costs about what handing it to a worker thread and back does, RSA (≈ 1 ms) does not.
     */
    boolean signsCheaply(String serverId);

    /** Makes sure the server has a signing key loaded (a new resource server gets its first key here). */
    io.vertx.core.Future<Void> ensure(String serverId);

    /** The public keys of the server: the current one and retired ones still verifying unexpired tokens. */
    JWKSet publicKeys(String serverId);
}
