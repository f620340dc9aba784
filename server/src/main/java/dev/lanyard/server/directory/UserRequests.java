package dev.lanyard.server.directory;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Bodies of the user endpoints; each validates itself on construction. */
public final class UserRequests {
    private UserRequests() {}

    public record Create(String login, String email, @JsonProperty("display_name") String displayName, String password) {
        public Create {
            Validate.login(login);
            Validate.email(email);
            Validate.required("display_name", displayName, 200);
            Validate.password(password);
        }
    }

    /** Partial update: absent fields stay as they are. */
    public record Update(String email, @JsonProperty("display_name") String displayName, String password, Integer version) {
        public Update {
            if (email != null) {
                Validate.email(email);
            }
            if (displayName != null) {
                Validate.required("display_name", displayName, 200);
            }
            Validate.password(password);
            if (email == null && displayName == null && password == null) {
                throw new IllegalArgumentException("nothing to update: give email, display_name or password");
            }
        }
    }
}
