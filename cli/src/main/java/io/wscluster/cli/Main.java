package io.wscluster.cli;

import io.wscluster.config.Setting;
import io.wscluster.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code wsc}: the entry point. */
@Command(name = "wsc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "wscluster: a horizontally scaled WebSocket service.",
        subcommands = {NodeCommand.class, GatewayCommand.class, DemoCommand.class, StatusCommand.class, DrainCommand.class, RebalanceCommand.class, LoadTestCommand.class, FailoverProbeCommand.class, AbuseProbeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The version the build wrote into the jar's manifest ({@code Implementation-Version}); {@code dev} outside the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"wsc " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every command and its setting flags; tests execute it in process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (String name : new String[] {"node", "demo"}) {
            addSettingOptions(cl.getSubcommands().get(name).getCommandSpec());
        }
        return cl;
    }

    /** One {@code --name VALUE} option per setting, with its default and variable in the help. */
    private static void addSettingOptions(CommandSpec spec) {
        for (Setting s : Settings.ALL) {
            if (spec.findOption(s.flag()) != null) {
                continue;
            }
            spec.addOption(OptionSpec.builder(s.flag())
                    .paramLabel("<" + s.name() + ">")
                    .type(String.class)
                    // picocli formats descriptions: a literal % (as in 'ready up N%') must be doubled.
                    .description((s.description() + " Default: " + s.defaultText() + ". Env: " + s.envName() + ".").replace("%", "%%"))
                    .build());
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
