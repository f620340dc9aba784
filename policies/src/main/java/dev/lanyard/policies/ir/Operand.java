package dev.lanyard.policies.ir;

/** A statement operand: a local, a string constant (index into {@link Policy.Static#strings()}), or a boolean. */
public sealed interface Operand {
    record Local(int index) implements Operand {}

    record StringIndex(int index) implements Operand {}

    record Bool(boolean value) implements Operand {}

    static Local local(int index) {
        return new Local(index);
    }
}
