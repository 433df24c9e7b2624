package casegraph.neo4j;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded in this JVM and serves Bolt on a loopback address,
 * so development and tests need neither Docker nor a Neo4j distribution.
 *
 * <p>Environment:
 * <ul>
 *   <li>{@code NEO4J_BOLT_ADDRESS} host:port for Bolt, default {@code 127.0.0.1:7687};
 *       the host must be a loopback address.</li>
 *   <li>{@code NEO4J_DATA_DIR} Neo4j home (databases, transaction logs, logs/),
 *       default {@code .data/neo4j}.</li>
 *   <li>{@code NEO4J_AUTH} {@code none} (default) disables authentication; any other value
 *       is the password (8+ characters) of the {@code neo4j} user, with authentication on.</li>
 *   <li>{@code NEO4J_PAGECACHE} page cache size, default {@code 256m}.</li>
 *   <li>{@code NEO4J_MIN_REPLAN_INTERVAL} how long a query plan is kept before the data's
 *       statistics may make Neo4j plan it again, such as {@code 10s} (Neo4j's default) or
 *       {@code 1h}. Tests, which empty and refill their database all the time, set it long:
 *       their statements would otherwise be planned again and again.</li>
 * </ul>
 *
 * <p>Prints {@code casegraph-neo4j ready bolt://HOST:PORT} on stdout once the default database
 * is available, and {@code casegraph-neo4j stopped} after shutdown (SIGTERM/SIGINT). Failures
 * are reported as one line on stderr with a non-zero exit status.
 */
public final class Launcher {
    private static final String DEFAULT_BOLT = "127.0.0.1:7687";
    private static final String DEFAULT_DATA_DIR = ".data/neo4j";
    private static final String DEFAULT_PAGECACHE = "256m";
    private static final long START_TIMEOUT_MS = 120_000;

    private Launcher() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (StartupException e) {
            fail(e.getMessage());
        }
    }

    private static void run() throws StartupException {
        Map<String, String> env = System.getenv();
        String boltSpec = env.getOrDefault("NEO4J_BOLT_ADDRESS", DEFAULT_BOLT).trim();
        Path home = Path.of(env.getOrDefault("NEO4J_DATA_DIR", DEFAULT_DATA_DIR).trim()).toAbsolutePath();
        String auth = env.getOrDefault("NEO4J_AUTH", "none");
        String pagecacheSpec = env.getOrDefault("NEO4J_PAGECACHE", DEFAULT_PAGECACHE).trim();
        String replan = env.getOrDefault("NEO4J_MIN_REPLAN_INTERVAL", "").trim();

        HostPort bolt = parseAddress(boltSpec);
        boolean authEnabled = !auth.equalsIgnoreCase("none");
        if (authEnabled && auth.length() < 8) {
            throw new StartupException("NEO4J_AUTH must be 'none' or a password of at least 8 characters");
        }
        long pagecache;
        try {
            pagecache = ByteUnit.parse(pagecacheSpec);
        } catch (RuntimeException e) {
            throw new StartupException("NEO4J_PAGECACHE '" + pagecacheSpec + "' is not a size such as 256m or 1g");
        }

        // Neo4j reports a busy port as a nested exception deep in its lifecycle; check first so
        // the common case gets a plain message.
        checkPortFree(bolt);

        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new StartupException("cannot create NEO4J_DATA_DIR " + home + ": " + e.getMessage());
        }

        Duration replanInterval = null;
        if (!replan.isEmpty()) {
            try {
                replanInterval = SettingValueParsers.DURATION.parse(replan);
            } catch (RuntimeException e) {
                throw new StartupException("NEO4J_MIN_REPLAN_INTERVAL '" + replan + "' is not a duration such as 10s or 1h");
            }
        }

        DatabaseManagementService dbms = build(home, bolt, authEnabled, pagecache, replanInterval);
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(START_TIMEOUT_MS)) {
                throw new StartupException("database 'neo4j' did not become available within "
                        + START_TIMEOUT_MS / 1000 + " s: see " + home.resolve("logs/debug.log"));
            }
            if (authEnabled) {
                setPassword(dbms, auth);
            }
        } catch (StartupException | RuntimeException e) {
            shutdownQuietly(dbms);
            if (e instanceof StartupException se) {
                throw se;
            }
            throw new StartupException("Neo4j failed to start: " + rootMessage(e)
                    + " (see " + home.resolve("logs/debug.log") + ")");
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                System.out.println("casegraph-neo4j stopped");
                System.out.flush();
                stopped.countDown();
            }
        }, "casegraph-neo4j-shutdown"));

        System.out.println("casegraph-neo4j ready bolt://" + bolt.uriAuthority());
        System.out.flush();

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DatabaseManagementService build(Path home, HostPort bolt, boolean authEnabled, long pagecache,
            Duration replanInterval) throws StartupException {
        SocketAddress address = new SocketAddress(bolt.host, bolt.port);
        try {
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
            if (replanInterval != null) {
                builder.setConfig(GraphDatabaseSettings.cypher_min_replan_interval, replanInterval);
            }
            return builder
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, address)
                    .setConfig(BoltConnector.advertised_address, address)
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // With keep-alive for every request Neo4j sends drivers a receive-timeout
                    // hint, and the Go driver then races each socket read against a timer in a
                    // goroutine of its own: hundreds per answer of 60 rows. Keep-alive while
                    // streaming answers stays on.
                    .setConfig(BoltConnector.connection_keep_alive_type, BoltConnector.KeepAliveRequestType.STREAMING)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, authEnabled)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                    // Preallocation would reserve 256 MiB of disk per database up front.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // A development store needs no point-in-time recovery: keep few, small tx logs.
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Netty's default 5 s quiet period would make every stop take 5 s longer.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw portInUse(bolt);
            }
            String root = rootMessage(e);
            if (root.toLowerCase(Locale.ROOT).contains("lock")) {
                throw new StartupException("data directory " + home + " is in use by another Neo4j process ("
                        + root + "): stop it or set NEO4J_DATA_DIR");
            }
            throw new StartupException("Neo4j failed to start: " + root + " (see " + home.resolve("logs/debug.log") + ")");
        }
    }

    /**
     * The embedded API runs with full privileges regardless of auth, so the password can be
     * (re)applied on every start; this also makes a changed NEO4J_AUTH take effect on an
     * existing data directory.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) throws StartupException {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try (Transaction tx = system.beginTx()) {
            tx.execute("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password)).close();
            tx.commit();
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to its current value; that is the desired state.
            if (!rootMessage(e).contains("cannot be the same")) {
                throw new StartupException("could not set the neo4j user's password: " + rootMessage(e));
            }
        }
    }

    private static void checkPortFree(HostPort bolt) throws StartupException {
        try (ServerSocket socket = new ServerSocket()) {
            // Match the server socket Neo4j opens, so lingering TIME_WAIT connections don't count.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bolt.address, bolt.port));
        } catch (IOException e) {
            throw portInUse(bolt);
        }
    }

    private static StartupException portInUse(HostPort bolt) {
        return new StartupException("port " + bolt.uriAuthority()
                + " is in use: stop what listens there or set NEO4J_BOLT_ADDRESS");
    }

    private static HostPort parseAddress(String spec) throws StartupException {
        String usage = "NEO4J_BOLT_ADDRESS '" + spec + "' must be host:port, for example " + DEFAULT_BOLT;
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new StartupException(usage);
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new StartupException(usage);
        }
        if (port < 1 || port > 65535) {
            throw new StartupException(usage);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new StartupException("NEO4J_BOLT_ADDRESS host '" + host + "' does not resolve");
        }
        // This server is for local development: never expose it beyond the machine.
        if (!address.isLoopbackAddress()) {
            throw new StartupException("NEO4J_BOLT_ADDRESS host '" + host
                    + "' is not a loopback address: use 127.0.0.1, localhost or ::1");
        }
        return new HostPort(host, port, address);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getName() : message;
    }

    private static void shutdownQuietly(DatabaseManagementService dbms) {
        try {
            dbms.shutdown();
        } catch (RuntimeException ignored) {
            // Already failing; the original error is the one worth reporting.
        }
    }

    private static void fail(String message) {
        System.err.println("casegraph-neo4j: " + message);
        System.err.flush();
        System.exit(1);
    }

    private record HostPort(String host, int port, InetAddress address) {
        String uriAuthority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }
}
