/**
 * The {@code wsc} command line: one picocli class per command, each a {@code Callable<Integer>};
 * {@link io.wscluster.cli.Main} only executes and exits with the code.
 */
package io.wscluster.cli;
