/** Runnable examples of embedding a wscluster node in a Java application. */
package io.wscluster.examples;
