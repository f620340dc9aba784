package dev.lanyard.server.config;

/** A start-up problem the operator must fix; its message is printed as is, without a stack trace. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
