package io.wscluster;

import io.wscluster.eventloops.DevelopmentCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node with {@code tls-self-signed} leaves its certificate, so that the command-line tools
 * can be told to trust it ({@code wsc status --ca-file}, {@code WSC_CA_FILE}) or {@code curl
 * --cacert} can: {@code <java.io.tmpdir>/wscluster-<user>/<node-id>.pem}, written at each start
 * (a restart makes a new certificate) and named in the log. The directory is this user's alone:
 * a file another user could replace would make the tools trust that user's listener instead.
 */
final class SelfSignedCertFile {
    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertFile.class);

    private SelfSignedCertFile() {
    }

    /** The file of node {@code nodeId}'s certificate. */
    static Path of(String nodeId) {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "wscluster-" + user, nodeId + ".pem");
    }

    /**
     * Writes {@code cert} to {@link #of}; the node serves whether or not that works (it says why
     * not), since the file only helps clients.
     *
     * @return the file, or null when it could not be written
     */
    static Path write(String nodeId, DevelopmentCertificate cert) {
        Path file = of(nodeId);
        Path part = null;
        try {
            Path dir = file.getParent();
            createPrivate(dir);
            part = Files.createTempFile(dir, nodeId, ".part");
            // What this process just created is its user's: the directory must be too, or that other user could swap the file.
            if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(part))) {
                throw new IOException(dir + " belongs to another user");
            }
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            Files.writeString(part, cert.pem(), StandardCharsets.US_ASCII);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.info("self-signed certificate of this node written to {}: point the CLI at it with --ca-file or WSC_CA_FILE", file);
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("self-signed certificate of this node not written to {} ({}): clients must take it from the handshake", file,
                    e.getMessage());
            deleteQuietly(part);
            return null;
        }
    }

    /** Makes {@code dir}, readable by this user only; one that is there must be a directory, not a link. */
    private static void createPrivate(Path dir) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is not a directory");
            }
        }
    }

    private static void deleteQuietly(Path part) {
        try {
            if (part != null) {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            // left behind in this user's own directory: harmless
        }
    }
}
