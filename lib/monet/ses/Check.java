package monet.ses;

/**
 * One line of {@code ses-test status}: what was checked, how it stands, and what to do.
 *
 * @param name   what was checked ("domain identity", "DKIM", ...)
 * @param state  ok, warning (sending works, but something is off or unknown) or problem (blocks sending)
 * @param detail what SES said
 * @param fix    what to do ("" when ok)
 */
record Check(String name, State state, String detail, String fix) {
    /** How a check stands. */
    enum State {
        OK("ok"), WARNING("warning"), PROBLEM("PROBLEM");

        private final String label;

        State(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    static Check ok(String name, String detail) {
        return new Check(name, State.OK, detail, "");
    }

    static Check warning(String name, String detail, String fix) {
        return new Check(name, State.WARNING, detail, fix);
    }

    static Check problem(String name, String detail, String fix) {
        return new Check(name, State.PROBLEM, detail, fix);
    }
}
