package dev.lanyard.loadtest.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The scenarios the suite knows by name. New scenarios register here. */
public final class Scenarios {

    private static final Map<String, Supplier<Scenario>> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put(HealthLiveScenario.NAME, HealthLiveScenario::new);
        KNOWN.put(AgentGetScenario.NAME, AgentGetScenario::new);
        KNOWN.put(ClientCredentialsScenario.NAME, ClientCredentialsScenario::new);
        KNOWN.put(IdJagExchangeScenario.NAME, IdJagExchangeScenario::new);
        KNOWN.put(PdpMcpDecisionScenario.NAME, PdpMcpDecisionScenario::new);
    }

    private Scenarios() {
    }

    public static List<String> names() {
        return List.copyOf(KNOWN.keySet());
    }

    /**
     * Resolves names in order. The baseline is put first when missing, because every ratio is computed
     * against a baseline measured in the same run.
     */
    public static List<Scenario> resolve(List<String> names) {
        List<Scenario> out = new ArrayList<>();
        if (!names.contains(HealthLiveScenario.NAME)) {
            out.add(new HealthLiveScenario());
        }
        for (String name : names) {
            Supplier<Scenario> s = KNOWN.get(name.trim());
            if (s == null) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + String.join(", ", names()));
            }
            out.add(s.get());
        }
        return out;
    }
}
