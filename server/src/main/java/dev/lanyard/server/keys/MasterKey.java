package dev.lanyard.server.keys;

import dev.lanyard.server.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit key that encrypts signing keys at rest (AES-256-GCM, a fresh 96-bit nonce per message, the caller's
 * associated data bound in). It comes from {@code LANYARD_MASTER_KEY} (base64 of 32 bytes) or, when that is not
 * set, from {@code <data dir>/master.key}, generated once with mode 600. Its bytes never leave this class.
 */
public final class MasterKey {
    static final String FILE_NAME = "master.key";
    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;

    private MasterKey(byte[] bytes, String source) {
        this.key = new SecretKeySpec(bytes, "AES");
        this.source = source;
    }

    /** Where the key came from, for messages: "LANYARD_MASTER_KEY" or the file's path. */
    public String source() {
        return source;
    }

    /**
     * Blocking (file I/O). {@code keysExist}: the database already holds encrypted keys, so a missing key file is an
     * error rather than a reason to generate a new key that could never decrypt them.
     */
    public static MasterKey load(Optional<String> configured, Path dataDir, boolean sharedDatabase, boolean keysExist) {
        if (configured.isPresent()) {
            return new MasterKey(decode(configured.get().trim(), "LANYARD_MASTER_KEY"), "LANYARD_MASTER_KEY");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
                return new MasterKey(decode(text, file.toString()), file.toString());
            }
            if (keysExist) {
                throw new ConfigException("the database holds encrypted signing keys but no master key is configured: "
                        + "set LANYARD_MASTER_KEY to the key they were encrypted with, or restore " + file
                        + " (refusing to start rather than generate a key that cannot decrypt them)");
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            write(file, Base64.getEncoder().encodeToString(bytes) + "\n");
            if (sharedDatabase) {
                LOG.warn("generated a master key in {} for an external database: every server instance sharing this "
                        + "database needs the same key, so set LANYARD_MASTER_KEY to its contents on all of them", file);
            } else {
                LOG.info("generated a master key in {}", file);
            }
            return new MasterKey(bytes, file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the master key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("it appeared while being created", e);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static byte[] decode(String text, String where) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + " must be the base64 encoding of 32 random bytes (it is not base64)");
        }
        if (bytes.length != 32) {
            throw new ConfigException(where + " must be the base64 encoding of 32 random bytes (it decodes to "
                    + bytes.length + " bytes)");
        }
        return bytes;
    }

    /** version(1) ‖ nonce(12) ‖ ciphertext‖tag. */
    public byte[] encrypt(byte[] plaintext, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Fails with {@link WrongKeyException} when the ciphertext was not made with this key and associated data. */
    public byte[] decrypt(byte[] message, String associatedData) {
        if (message.length < 1 + NONCE_BYTES + TAG_BITS / 8 || message[0] != VERSION) {
            throw new WrongKeyException("unknown ciphertext format");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, message, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(message, 1 + NONCE_BYTES, message.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new WrongKeyException("authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** A key for another purpose derived from this one (HMAC-SHA256 over the purpose label). */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("lanyard/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + source + "]";
    }

    /** The ciphertext does not open with this key. */
    public static final class WrongKeyException extends RuntimeException {
        WrongKeyException(String message) {
            super(message, null, false, false);
        }
    }
}
