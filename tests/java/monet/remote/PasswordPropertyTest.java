package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import monet.MonetException;
import monet.config.Config;
import monet.console.Console;
import monet.console.Secrets;
import monet.host.LocalShell;
import monet.host.RemoteShell;
import monet.host.SshShell;
import monet.host.SsmShell;
import monet.process.Shell;
import monet.testing.Moto;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A property over random passwords (short, quotes, backslashes, shell and JSON metacharacters,
 * Unicode): create-user stores exactly the password, and no form of it (raw, shell-quoted,
 * JSON-escaped) appears in any output, dry run, JSON, error message or SSM command history, over
 * SSM (the test endpoint, Parameter Store in moto) and locally, even when the app's CLI prints it.
 */
class PasswordPropertyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** An app CLI that prints the password back as a careless one would: raw, as JSON (ASCII-escaped), and fails on demand. */
    static final String CHATTY_CLI = "python3 -c " + Shell.quote("import sys, json, hashlib, sqlite3, os\n"
            + "p = sys.stdin.readline().rstrip('\\n')\n"
            + "print('debug: password was ' + p)\n"
            + "print('json: ' + json.dumps({'password': p}))\n"
            + "if os.path.exists(os.path.join(os.environ['MONET_SANDBOX'], 'fail-next')):\n"
            + "    os.remove(os.path.join(os.environ['MONET_SANDBOX'], 'fail-next'))\n"
            + "    sys.stderr.write('error: rejected password ' + p + '\\n'); sys.exit(3)\n"
            + "db = os.path.join(os.environ['MONET_SANDBOX'], 'data', 'code_monet.db')\n"
            + "with sqlite3.connect(db) as c:\n"
            + "    c.execute('INSERT OR REPLACE INTO users VALUES (?, ?)', (sys.argv[1], hashlib.sha256(p.encode()).hexdigest()))\n"
            + "print('created user ' + sys.argv[1])\n");
    static final String ALPHABET = "aZ9'\"\\$`!*;&|<>(){}[] \té€漢😀%-_=+#~";

    @TempDir
    static Path dir;
    static SsmEndpoint endpoint;

    @BeforeAll
    static void start() {
        endpoint = SsmEndpoint.start(dir).proxyTo(Moto.get().endpoint());
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    static String randomPassword(Random random) {
        int length = random.nextInt(3) == 0 ? Passwords.MIN_LENGTH : Passwords.MIN_LENGTH + random.nextInt(32);
        int points = ALPHABET.codePointCount(0, ALPHABET.length());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, random.nextInt(points))));
        }
        return text.toString();
    }

    /** Every form the password could leak in. */
    static List<String> forms(String password) throws Exception {
        String json = JSON.writeValueAsString(password);
        String ascii = new ObjectMapper().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true)
                .writeValueAsString(password);
        return List.of(password, Shell.quote(password), json.substring(1, json.length() - 1), ascii.substring(1, ascii.length() - 1));
    }

    record Run(int code, String out, String err) {}

    static Run createUser(RemoteShell shell, String email, String password, boolean json, boolean dryRun) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console previous = Console.get();
        PrintStream stdout = System.out;
        Console.set(Console.create(Console.Mode.PLAIN, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Map<String, String> flags = new LinkedHashMap<>(endpoint.host().config());
            flags.put("app.cli.create-user", CHATTY_CLI);
            Config config = Config.load(Map.of(), endpoint.host().dir(), flags);
            Remote remote = new Remote(config, new Remote.Options("local", null, null, dryRun, json, Duration.ofSeconds(60)), shell);
            Passwords.Password resolved = Passwords.resolve(null, true,
                    new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)), false);
            int code;
            try {
                code = remote.createUser(email, resolved);
            } catch (MonetException e) {
                err.writeBytes(e.getMessage().getBytes(StandardCharsets.UTF_8));
                code = e.exitCode();
            }
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            Console.set(previous);
        }
    }

    static RemoteShell ssm() {
        return SsmShell.on(endpoint.client(), SsmEndpoint.DEFAULT_INSTANCE,
                SsmShell.Options.defaults("us-east-1").withProgress(false));
    }

    static RemoteShell local() {
        return new LocalShell(endpoint.host().dir(), endpoint.host().env());
    }

    static RemoteShell ssh() {
        return new SshShell(() -> "127.0.0.1", "127.0.0.1", "ec2-user", null, 22, List.of());
    }

    @Test
    void noRandomPasswordEverAppearsAnywhere() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 24; i++) {
            String password = randomPassword(random);
            String context = "seed " + seed + ", password #" + i + " " + JSON.writeValueAsString(password);
            Secrets.clearForTests();
            int calls = endpoint.calls().size();
            List<Run> runs = new ArrayList<>();
            for (RemoteShell shell : List.of(ssm(), local(), ssh())) {
                runs.add(createUser(shell, "u" + i + "@example.com", password, false, true));
            }
            // over SSM each run reads the parameter with the real aws CLI (seconds): fewer samples there
            for (RemoteShell shell : i < 3 ? List.of(ssm(), local()) : List.of(local())) {
                String kind = shell instanceof SsmShell ? "ssm" : "local";
                String email = kind + i + "-" + Math.abs(random.nextInt()) + "@example.com";
                Run text = createUser(shell, email, password, false, false);
                assertThat(text.code()).as(context + " " + kind + ": " + text.err()).isZero();
                assertThat(endpoint.host().sql("SELECT password_sha256 FROM users WHERE email = '" + email + "'"))
                        .as(context).isEqualTo(RemoteCommandsContract.sha256(password));
                runs.add(text);
                Run json = createUser(shell, "j" + email, password, true, false);
                assertThat(json.code()).as(context + " " + kind + " json: " + json.err()).isZero();
                assertThat(JSON.readTree(json.out()).get("email").asText()).isEqualTo("j" + email);
                runs.add(json);
                java.nio.file.Files.writeString(endpoint.host().dir().resolve("fail-next"), "");
                Run failed = createUser(shell, "f" + email, password, false, false);
                assertThat(failed.code()).as(context + " " + kind + " failing").isEqualTo(3);
                assertThat(failed.err()).as(context).isNotBlank();
                runs.add(failed);
            }
            // Run Command's history: what SendCommand sent (PutParameter rightly carries the value, as a SecureString)
            String history = endpoint.calls().subList(calls, endpoint.calls().size()).stream()
                    .filter(c -> c.get("action").asText().equals("SendCommand")).toList().toString();
            for (String form : forms(password)) {
                for (Run run : runs) {
                    assertThat(run.out()).as(context + " stdout, form " + form).doesNotContain(form);
                    assertThat(run.err()).as(context + " stderr, form " + form).doesNotContain(form);
                }
                assertThat(history).as(context + " SSM requests, form " + form).doesNotContain(form);
            }
        }
    }

    @Test
    void passwordsThatCannotBeDeliveredAreRefusedClearly() {
        for (String bad : List.of("", "x", "1234567", "short😀", "two\nlines-long", "carriage\rreturn", "nul\0byte-long",
                "x".repeat(1025))) {
            assertThatThrownBy(() -> Passwords.resolve(bad, false, InputStreamNothing.INSTANCE, false))
                    .isInstanceOfSatisfying(MonetException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(2);
                        assertThat(e.getMessage()).as(bad).contains("a password must be 8 to 1024 characters on one line");
                    });
        }
    }

    /** An empty stdin. */
    static final class InputStreamNothing extends ByteArrayInputStream {
        static final InputStreamNothing INSTANCE = new InputStreamNothing();

        private InputStreamNothing() {
            super(new byte[0]);
        }
    }
}
