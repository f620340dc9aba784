package dev.lanyard.policies.rego;

/** One Rego module as text, with the file name used in error locations. */
public record Source(String file, String text) {}
