package dev.bottleneck.latent.categorical;

import dev.bottleneck.InvalidInputException;

import java.util.Locale;

/**
 * The Gumbel-softmax temperature over training: {@code tau(t) = max(tau_min, tau_0 exp(-r t))},
 * the exponential annealing of Jang, Gu and Poole ("Categorical Reparameterization with
 * Gumbel-Softmax", ICLR 2017, section 4.1: {@code tau = max(0.5, exp(-r t))}), where {@code t}
 * counts optimizer steps or finished epochs. A high temperature gives smooth samples and
 * low-variance gradients; a low one samples close to one-hot, with the bias of training and
 * evaluation codes gone.
 *
 * @param initial {@code tau_0 > 0}
 * @param minimum {@code tau_min}, {@code 0 < tau_min <= tau_0}
 * @param rate {@code r >= 0} per unit of {@code t} (0: constant)
 * @param unit what {@code t} counts
 */
public record TemperatureSchedule(double initial, double minimum, double rate, Unit unit) {

    /** What the schedule's {@code t} counts. */
    public enum Unit {
        /** Optimizer steps done: updated by the layer's per-step hook. */
        STEP,
        /** Epochs finished: updated by the layer's per-epoch hook ({@code t = epoch - 1}). */
        EPOCH;

        /**
         * @param name {@code step} or {@code epoch}, case-insensitive
         * @return the unit
         * @throws InvalidInputException for another name
         */
        public static Unit parse(String name) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "step" -> STEP;
                case "epoch" -> EPOCH;
                default -> throw new InvalidInputException("unknown temperature schedule unit '" + name + "' (known: step, epoch)");
            };
        }
    }

    /** Validates. */
    public TemperatureSchedule {
        if (!(initial > 0) || Double.isInfinite(initial)) {
            throw new InvalidInputException("the Gumbel-softmax temperature must be positive, got " + initial);
        }
        if (!(minimum > 0)) {
            throw new InvalidInputException("the minimum Gumbel-softmax temperature must be positive, got " + minimum);
        }
        if (minimum > initial) {
            throw new InvalidInputException("the minimum temperature " + minimum + " is above the initial one " + initial);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new InvalidInputException("the temperature annealing rate must be >= 0, got " + rate);
        }
        if (unit == null) {
            unit = Unit.EPOCH;
        }
    }

    /**
     * @param tau the temperature, {@code > 0}
     * @return a schedule that keeps it
     * @throws InvalidInputException if {@code tau <= 0}
     */
    public static TemperatureSchedule constant(double tau) {
        return new TemperatureSchedule(tau, tau, 0, Unit.EPOCH);
    }

    /**
     * @param t steps or finished epochs, {@code >= 0}
     * @return {@code max(tau_min, tau_0 exp(-r t))}
     */
    public double at(long t) {
        return Math.max(minimum, initial * Math.exp(-rate * Math.max(0, t)));
    }
}
