/**
 * Configuration: one table of settings ({@link io.wscluster.config.Settings}), read from a YAML
 * file, then environment variables ({@code WSC_...}), then flags, each overriding the one before.
 * Every bad value stops the start with one line naming the setting, its source and the value.
 */
package io.wscluster.config;
