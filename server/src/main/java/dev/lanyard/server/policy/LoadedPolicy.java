package dev.lanyard.server.policy;

import dev.lanyard.policies.engine.Bundle;

/** A policy set that compiled and passed its tests, ready to be served. */
public record LoadedPolicy(Bundle bundle, PolicyRevision revision) {}
