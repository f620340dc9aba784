package dev.lanyard.loadtest.scenario;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScenariosTest {

    @Test
    void theSuiteKnowsBothTokenScenariosAndMeasuresTheBaselineFirst() {
        assertEquals(List.of("health-live", "token-client-credentials", "token-id-jag"),
                Scenarios.resolve(List.of("token-client-credentials", "token-id-jag")).stream().map(Scenario::name).toList());
        assertEquals(List.of("health-live", "token-client-credentials", "token-id-jag"),
                Scenarios.resolve(List.of("health-live", "token-client-credentials", "token-id-jag")).stream()
                        .map(Scenario::name).toList());
    }
}
