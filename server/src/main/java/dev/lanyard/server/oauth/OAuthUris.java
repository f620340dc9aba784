package dev.lanyard.server.oauth;

/** The registered URNs the token endpoints speak (RFC 6749, 7523, 8693, draft ID-JAG). */
public final class OAuthUris {
    public static final String GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public static final String GRANT_CLIENT_CREDENTIALS = "client_credentials";
    public static final String GRANT_AUTHORIZATION_CODE = "authorization_code";
    public static final String CLIENT_ASSERTION_JWT = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public static final String TOKEN_TYPE_ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
    public static final String TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    public static final String TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    public static final String GRANT_PROFILE_ID_JAG = "urn:ietf:params:oauth:grant-profile:id-jag";
    public static final String TYP_ID_JAG = "oauth-id-jag+jwt";
    public static final String TYP_ACCESS_TOKEN = "at+jwt";
    public static final String TYP_CLIENT_AUTH = "client-authentication+jwt";

    private OAuthUris() {}
}
