/*
 * NativeException — how the JNI layer reports a failed sigrun call: the sigrun_status number and the
 * library's message. Package-private: Interpreter turns it into the IllegalArgumentException or
 * IllegalStateException LiteRT's Java API throws at the same point, keeping sigrun's message.
 */
package org.sigrun;

import java.nio.charset.StandardCharsets;

final class NativeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final int BAD_MODEL = 1;
  static final int UNSUPPORTED = 2;
  static final int BAD_ARGUMENT = 3;
  static final int NOT_FOUND = 4;
  static final int BAD_STATE = 5;

  final int status;

  // The message arrives as bytes: sigrun's messages quote names from the model file, which need not be
  // valid (modified) UTF-8, and only Java's decoder replaces bad sequences safely.
  NativeException(int status, byte[] message) {
    super(message == null ? "" : new String(message, StandardCharsets.UTF_8));
    this.status = status;
  }
}
