/** Thrown by `startViewer` when it cannot listen: the port is taken, or the address is not this machine's. */
export class ViewerStartError extends Error {
  override readonly name = 'ViewerStartError';
  constructor(
    message: string,
    /** The system error code (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`, ...). */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The error for a failed `listen`, saying what to do about it. */
  static fromListen(error: NodeJS.ErrnoException, port: number, host: string): ViewerStartError {
    const where = `${host}:${port}`;
    const message =
      error.code === 'EADDRINUSE'
        ? `Glassbox viewer: port ${port} on ${host} is already in use (another glassbox ui, or an OpenTelemetry collector?). Pick another with --port <n> (or GLASSBOX_UI_PORT), or --port 0 for any free port.`
        : error.code === 'EACCES'
          ? `Glassbox viewer: not allowed to listen on ${where}; pick a port above 1023 with --port <n>.`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? `Glassbox viewer: ${host} is not an address of this machine; pick another with --host.`
            : `Glassbox viewer: cannot listen on ${where}: ${error.message}`;
    return new ViewerStartError(message, error.code, { cause: error });
  }
}
