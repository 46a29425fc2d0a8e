// StreamHub for browser apps: an ES module over @microsoft/signalr whose requests survive a dropped connection.
//
// Every request gets a requestId chosen here and `resumable: true`. When the connection drops mid-answer, the
// client reconnects and continues with Watch(requestId, lastSeq), so the caller sees each event once, in seq
// order, as one unbroken stream. Failures reject with a StreamHubError carrying the contract code.
//
//   import { StreamHubClient } from "./streamhub-client.js";
//   const hub = new StreamHubClient("/hubs/stream", { accessTokenFactory: () => apiKey });
//   const request = hub.stream({ messages }, { onEvent: (event) => ..., onQueued: (position) => ... });
//   await request.done;   // { finishReason, model, usage } or { cancelled: true }; rejects with StreamHubError
//   request.cancel();     // ends the request (and its upstream), also after a resume (then through Abort)

/** The codes the server ends a stream with (DESIGN "The hub contract"). */
export const ErrorCodes = Object.freeze([
  "invalid_request", "unauthorized", "forbidden", "rate_limited", "queue_full", "queue_timeout",
  "upstream_unavailable", "upstream_error", "upstream_timeout", "upstream_interrupted", "aborted", "shutting_down",
]);

/** Codes of this client's own: the hub could not be reached, or not again within the resume window. */
export const ClientErrorCodes = Object.freeze(["connection_error", "connection_lost"]);

const SERVER_CODES = new Set(ErrorCodes);

/** A failure with its contract code, the server's sentence and, when the sentence says "retry in N s", N. */
export class StreamHubError extends Error {
  constructor(code, sentence, cause) {
    super(`${code}: ${sentence}`, cause === undefined ? undefined : { cause });
    this.name = "StreamHubError";
    this.code = code;
    this.sentence = sentence;
    const wait = /\bretry in (\d+(?:\.\d+)?) ?s\b/.exec(sentence);
    this.retryAfter = wait ? Number(wait[1]) : null;
  }

  /** Reads "code: sentence" from a hub error; anything else is a client-side code. */
  static from(error) {
    if (error instanceof StreamHubError) return error;
    const message = (error && error.message) || String(error);
    const coded = /^([a-z_]+): ([\s\S]*)$/.exec(message);
    if (coded && SERVER_CODES.has(coded[1])) return new StreamHubError(coded[1], coded[2], error);
    if (/\b401\b|Unauthorized/.test(message)) {
      return new StreamHubError("unauthorized", "the API key was not accepted; check it, or leave it out to connect anonymously", error);
    }
    return new StreamHubError("connection_error", message, error);
  }
}

/** A request id in the contract's alphabet ([A-Za-z0-9_-]{1,64}). */
export function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One hub connection shared by any number of requests. */
export class StreamHubClient {
  #signalR;
  #connection;
  #resumeWindowMs;
  #requests = new Map();
  #stateWaiters = new Set();
  #starting = null;

  /**
   * @param {string} url the hub, e.g. "/hubs/stream"
   * @param {object} [options]
   * @param {() => string | Promise<string>} [options.accessTokenFactory] the tenant's API key or JWT
   * @param {number} [options.resumeWindowMs] how long to keep trying to reconnect and resume (default 60 s,
   *   the server's Fanout:ResumeGrace default)
   * @param {object} [options.signalR] the @microsoft/signalr namespace (default: the global `signalR`)
   * @param {number} [options.transport] a signalR.HttpTransportType (default WebSockets)
   * @param {boolean} [options.skipNegotiation] WebSockets only, no sticky sessions needed
   * @param {number} [options.logLevel] a signalR.LogLevel (default Warning)
   */
  constructor(url = "/hubs/stream", options = {}) {
    const signalR = options.signalR ?? globalThis.signalR;
    if (!signalR) throw new Error("load @microsoft/signalr first, or pass its namespace as options.signalR");
    this.#signalR = signalR;
    this.#resumeWindowMs = options.resumeWindowMs ?? 60_000;
    const windowMs = this.#resumeWindowMs;
    this.#connection = new signalR.HubConnectionBuilder()
      .withUrl(url, {
        transport: options.transport ?? signalR.HttpTransportType.WebSockets,
        skipNegotiation: options.skipNegotiation ?? false,
        accessTokenFactory: options.accessTokenFactory,
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) =>
          context.elapsedMilliseconds < windowMs ? Math.min(250 * 2 ** context.previousRetryCount, 5_000) : null,
      })
      .configureLogging(options.logLevel ?? signalR.LogLevel.Warning)
      .build();

    const dispatch = (name) => (requestId, value) => this.#requests.get(requestId)?.handlers[name]?.(value);
    this.#connection.on("Queued", dispatch("onQueued"));
    this.#connection.on("Started", dispatch("onStarted"));
    this.#connection.on("Usage", (requestId, usage) => {
      const run = this.#requests.get(requestId);
      if (!run) return;
      // The report (region, cost) wins over the usage event; it arrives before the stream completes.
      run.usage = usage;
      run.handlers.onUsage?.(usage);
    });
    // Group messages are for connections that joined a group (use `connection.on` for them).
    for (const name of ["GroupToken", "GroupEvent", "GroupCompleted"]) this.#connection.on(name, () => {});
    const changed = () => this.#stateChanged();
    this.#connection.onreconnecting(changed);
    this.#connection.onreconnected(changed);
    this.#connection.onclose(changed);
  }

  /** The underlying HubConnection, for JoinGroup, Watch of other requests and group callbacks. */
  get connection() {
    return this.#connection;
  }

  /** Connects now (a request connects by itself when needed). Rejects with a StreamHubError. */
  async start() {
    await this.#connected(null);
  }

  /** Cancels every request in flight (they resolve { cancelled: true }), then closes the connection. */
  async stop() {
    // A resumed request's cancel waits for its Abort to be answered.
    await Promise.all(Array.from(this.#requests.values(), (run) => run.cancel()));
    // Let the cancel messages go out before the socket closes: a resumable request whose connection merely
    // closed would run on for its grace.
    await sleep(0);
    await this.#connection.stop();
  }

  /**
   * Starts a request and returns it at once: { requestId, lastSeq, done, cancel() }; cancel() returns a promise
   * that settles once the server has been told (after a resume, when its Abort is answered).
   * @param {object} request a StreamRequest (messages or prompt, model, priority, maxTokens, ...);
   *   requestId and resumable are set here unless given
   * @param {object} [handlers] onEvent(event), onQueued(position), onStarted(region), onUsage(usage),
   *   onReconnecting(error), onResumed(lastSeq)
   */
  stream(request, handlers = {}) {
    const requestId = request.requestId ?? newRequestId();
    let cancelled;
    const run = {
      handlers,
      requestId,
      body: { ...request, requestId, resumable: request.resumable ?? true },
      lastSeq: 0,
      finishReason: null,
      model: null,
      usage: null,
      subscription: null,
      resumed: false,
      aborting: null,
      cancelled: false,
      whenCancelled: new Promise((resolve) => {
        cancelled = resolve;
      }),
      cancel: () => {
        if (run.cancelled) return run.aborting ?? Promise.resolve();
        run.cancelled = true;
        // Before a resume, disposing sends CancelInvocation: the hub ends the request and its upstream at once.
        // After one, the subscription is a Watch, which only stops watching: Abort(requestId) ends the request
        // itself, on whichever instance runs it (never another tenant's request of the same id).
        if (run.resumed) run.aborting = this.#connection.invoke("Abort", requestId).catch(() => false);
        run.subscription?.dispose();
        cancelled();
        return run.aborting ?? Promise.resolve();
      },
    };
    this.#requests.set(requestId, run);
    const done = this.#run(run).finally(() => this.#requests.delete(requestId));
    return {
      requestId,
      get lastSeq() {
        return run.lastSeq;
      },
      done,
      cancel: run.cancel,
    };
  }

  /** Runs a request to its end: StreamEvents, then Watch(requestId, lastSeq) after every drop. */
  async #run(run) {
    const cancelled = { cancelled: true };
    const unlessCancelled = (promise) => Promise.race([promise, run.whenCancelled]);
    let method = "StreamEvents";
    let resumeDeadline = null;
    let resent = false;
    for (;;) {
      try {
        // Not connecting (again) is final: #connected already retried for as long as the window allows.
        await unlessCancelled(this.#connected(resumeDeadline));
      } catch (error) {
        if (run.cancelled) return cancelled;
        throw StreamHubError.from(error);
      }
      if (run.cancelled) return cancelled;
      try {
        run.resumed = method === "Watch";
        if (run.resumed) run.handlers.onResumed?.(run.lastSeq);
        const args = method === "Watch" ? [run.requestId, run.lastSeq] : [run.body];
        await unlessCancelled(this.#subscribe(run, method, args));
        if (run.cancelled) return cancelled;
        return { finishReason: run.finishReason, model: run.model, usage: run.usage };
      } catch (error) {
        if (run.cancelled) return cancelled;
        const failure = StreamHubError.from(error);
        // The drop came before the server saw the request: send it again, once.
        if (method === "Watch" && failure.code === "invalid_request" && run.lastSeq === 0 && !resent) {
          resent = true;
          method = "StreamEvents";
          continue;
        }
        if (!this.#isDrop(error, failure)) throw failure;
        // Progress since the last drop earns a fresh window.
        if (resumeDeadline === null || run.lastSeq > run.seqAtDrop) resumeDeadline = Date.now() + this.#resumeWindowMs;
        run.seqAtDrop = run.lastSeq;
        if (Date.now() >= resumeDeadline) {
          const seconds = Math.round(this.#resumeWindowMs / 1000);
          throw new StreamHubError("connection_lost", `the connection dropped and the answer could not be resumed within ${seconds} s`, error);
        }
        run.handlers.onReconnecting?.(failure);
        method = "Watch";
        // Let the connection notice the drop: its state changes just after its invocations fail.
        await unlessCancelled(sleep(50));
      }
    }
  }

  /** One invocation as a promise: settles when the stream completes or fails; events go to the run. */
  #subscribe(run, method, args) {
    return new Promise((resolve, reject) => {
      run.subscription = this.#connection.stream(method, ...args).subscribe({
        next: (event) => this.#deliver(run, event),
        complete: resolve,
        error: reject,
      });
    }).finally(() => {
      run.subscription = null;
    });
  }

  /** Hands an event on once: a replay after a resume may repeat what was already seen. */
  #deliver(run, event) {
    if (run.cancelled || !event || typeof event.seq !== "number" || event.seq <= run.lastSeq) return;
    run.lastSeq = event.seq;
    if (event.type === "finish") {
      run.finishReason = event.finishReason ?? null;
      run.model = event.model ?? null;
    } else if (event.type === "usage" && run.usage === null) {
      run.usage = event.usage ?? null;
    }
    run.handlers.onEvent?.(event);
  }

  /** A failure the server did not code, met while the connection is (or is about to be) down. */
  #isDrop(error, failure) {
    if (failure.code !== "connection_error") return false;
    const message = (error && error.message) || "";
    return /connection being closed|not in the 'Connected' State|connection was stopped|WebSocket closed/i.test(message)
      || this.#connection.state !== this.#signalR.HubConnectionState.Connected;
  }

  /**
   * Resolves once connected. Without a deadline (a new request) one start attempt decides; with one (a
   * resume) it waits for the automatic reconnect, or starts again after it gave up, until the deadline.
   */
  async #connected(deadline) {
    const { HubConnectionState } = this.#signalR;
    for (let attempt = 0; ; attempt++) {
      const state = this.#connection.state;
      if (state === HubConnectionState.Connected) return;
      if (deadline !== null && Date.now() >= deadline) {
        throw new StreamHubError("connection_lost", "the connection to StreamHub could not be re-established");
      }
      if (state === HubConnectionState.Disconnected) {
        this.#starting ??= this.#connection.start().finally(() => {
          this.#starting = null;
        });
        try {
          await this.#starting;
        } catch (error) {
          const failure = StreamHubError.from(error);
          if (deadline === null || failure.code === "unauthorized") throw failure;
          await sleep(Math.min(250 * 2 ** attempt, 5_000));
        }
      } else {
        await this.#nextStateChange(deadline);
      }
    }
  }

  /** Resolves when the connection reconnects or closes, or at the deadline (30 s at most without one). */
  #nextStateChange(deadline) {
    let waiter;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, deadline === null ? 30_000 : Math.max(0, deadline - Date.now()));
      waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#stateWaiters.add(waiter);
    }).finally(() => this.#stateWaiters.delete(waiter));
  }

  #stateChanged() {
    for (const waiter of this.#stateWaiters) waiter();
  }
}
