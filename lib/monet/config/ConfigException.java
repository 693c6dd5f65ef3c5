package monet.config;

/** Bad configuration: the message names the file and line, or the variable or flag, and what is wrong. */
public final class ConfigException extends monet.MonetException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, USAGE, null);
    }
}
