package dev.lanyard.server.policy;

import dev.lanyard.policies.engine.Bundle;
import dev.lanyard.policies.engine.PolicyEngine;

/** A policy set that compiled and passed its tests, with its evaluation instances built, ready to be served. */
public record LoadedPolicy(Bundle bundle, PolicyEngine engine, PolicyRevision revision) {}
