package dev.lanyard.server.directory;

/** Bodies of the group endpoints. */
public final class GroupRequests {
    private GroupRequests() {}

    public record Create(String name, String description) {
        public Create {
            Validate.required("name", name, 200);
            Validate.length("description", description, 2000);
        }
    }

    public record Update(String name, String description, Integer version) {
        public Update {
            if (name != null) {
                Validate.required("name", name, 200);
            }
            Validate.length("description", description, 2000);
            if (name == null && description == null) {
                throw new IllegalArgumentException("nothing to update: give name or description");
            }
        }
    }
}
