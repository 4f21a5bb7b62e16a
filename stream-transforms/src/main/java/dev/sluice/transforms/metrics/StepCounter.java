package dev.sluice.transforms.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.function.Supplier;

/**
 * A pipeline total as one step counts into it: an increment goes to the total and to the step's own counter,
 * which is registered on first use. {@link #count()} and {@link #getId()} are the step's.
 */
final class StepCounter implements Counter {

    private final Counter total;
    private final Supplier<Counter> register;
    private volatile Counter step;

    StepCounter(Counter total, Supplier<Counter> register) {
        this.total = total;
        this.register = register;
    }

    @Override
    public void increment(double amount) {
        total.increment(amount);
        step().increment(amount);
    }

    @Override
    public double count() {
        return step().count();
    }

    @Override
    public Id getId() {
        return step().getId();
    }

    private Counter step() {
        Counter counter = step;
        if (counter == null) {
            // registering twice returns the same counter, so a race here costs nothing
            counter = register.get();
            step = counter;
        }
        return counter;
    }
}
