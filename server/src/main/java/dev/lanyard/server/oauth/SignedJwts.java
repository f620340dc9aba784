package dev.lanyard.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

/**
 * Verifying a JWT of a known kind against a key set: explicit {@code typ} (RFC 8725 §3.11, so an ID token can't pass
 * as an access token or an ID-JAG), allowed algorithm, signature by the key named in {@code kid}, and the time rules.
 * The caller supplies the error to raise, since the same failure is {@code invalid_grant} in one place and
 * {@code invalid_token} in another.
 */
public final class SignedJwts {
    private SignedJwts() {}

    public static SignedJWT parse(String token, Function<String, RuntimeException> error) {
        try {
            return SignedJWT.parse(token);
        } catch (ParseException | ClassCastException e) {
            throw error.apply("not a signed JWT");
        }
    }

    public static JWTClaimsSet verify(SignedJWT jwt, List<JOSEObjectType> types, JWKSet keys, Instant now,
                                      Function<String, RuntimeException> error) {
        return verify(jwt, types, keys, now, error, null);
    }

    /**
     * @param verified where tokens that passed are kept, so that the same token presented again is not checked for
     *                 its signature again (see {@link VerifiedSignatures}); null to check every time
     */
    public static JWTClaimsSet verify(SignedJWT jwt, List<JOSEObjectType> types, JWKSet keys, Instant now,
                                      Function<String, RuntimeException> error, VerifiedSignatures verified) {
        JOSEObjectType typ = jwt.getHeader().getType();
        if (typ == null || !types.contains(typ)) {
            throw error.apply("wrong token type (typ " + (typ == null ? "absent" : "'" + TokenForm.safe(typ.getType()) + "'")
                    + ", expected " + types.get(0).getType() + ")");
        }
        if (!JwtRules.allowed(jwt.getHeader().getAlgorithm())) {
            throw error.apply("alg " + jwt.getHeader().getAlgorithm() + " is not allowed");
        }
        String token = jwt.getParsedString();
        VerifiedSignatures.Verified known = verified == null ? null : verified.get(token);
        boolean fromCache = known != null && keys.getKeys().contains(known.key());
        JWK by;
        JWTClaimsSet claims;
        if (fromCache) {
            by = known.key();
            claims = known.claims();
        } else {
            by = signer(jwt, keys);
            if (by == null) {
                throw error.apply("signature does not verify with the issuer's keys");
            }
            try {
                claims = jwt.getJWTClaimsSet();
            } catch (ParseException e) {
                throw error.apply("claims are not readable");
            }
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.toInstant().isBefore(now.minus(JwtRules.SKEW))) {
            throw error.apply(exp == null ? "exp is missing" : "expired");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(JwtRules.SKEW))) {
            throw error.apply("iat is in the future");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(JwtRules.SKEW))) {
            throw error.apply("not valid yet (nbf)");
        }
        if (verified != null && !fromCache) {
            verified.put(token, by, claims);
        }
        return claims;
    }

    /** The key (named by {@code kid}, or any without one) whose signature this is; null if none. */
    private static JWK signer(SignedJWT jwt, JWKSet keys) {
        String kid = jwt.getHeader().getKeyID();
        for (JWK key : keys.getKeys()) {
            if (kid != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            JWSVerifier verifier = JwtRules.verifier(key, jwt.getHeader().getAlgorithm());
            try {
                if (verifier != null && jwt.verify(verifier)) {
                    return key;
                }
            } catch (com.nimbusds.jose.JOSEException ignored) {
                // next key
            }
        }
        return null;
    }
}
