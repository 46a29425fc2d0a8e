// StreamHub browser client: one hub connection, one stream at a time.
// Model text only ever reaches the DOM as text nodes (never innerHTML).
(() => {
  "use strict";

  const HUB_URL = "hubs/stream";
  const API_KEY_STORAGE = "streamhub.apiKey";

  const $ = (id) => document.getElementById(id);
  const form = $("request-form");
  const prompt = $("prompt");
  const apiKey = $("api-key");
  const priority = $("priority");
  const maxTokens = $("max-tokens");
  const startButton = $("start");
  const cancelButton = $("cancel");
  const output = $("output");
  const status = $("status");

  let connection = null;
  let connectionKey = null;
  // The stream in flight: { requestId, subscription, tokens, usage, finished }.
  let current = null;

  // The key lives in sessionStorage only: gone when the tab closes, never in localStorage or cookies.
  apiKey.value = sessionStorage.getItem(API_KEY_STORAGE) ?? "";
  apiKey.addEventListener("input", () => {
    const key = apiKey.value.trim();
    if (key) {
      sessionStorage.setItem(API_KEY_STORAGE, key);
    } else {
      sessionStorage.removeItem(API_KEY_STORAGE);
    }
  });

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function setError(code, sentence) {
    status.dataset.state = "error";
    const codeElement = document.createElement("code");
    codeElement.id = "error-code";
    codeElement.textContent = code;
    status.replaceChildren(codeElement, document.createTextNode(sentence ? " " + sentence : ""));
  }

  function ordinal(n) {
    const tens = n % 100;
    if (tens >= 11 && tens <= 13) return n + "th";
    switch (n % 10) {
      case 1: return n + "st";
      case 2: return n + "nd";
      case 3: return n + "rd";
      default: return n + "th";
    }
  }

  function describeUsage(usage) {
    const parts = [`${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens} tokens`];
    if (usage.model) parts.push(usage.model);
    if (usage.region) parts.push(usage.region);
    if (usage.cost !== null && usage.cost !== undefined) parts.push("cost " + usage.cost);
    return parts.join(" · ");
  }

  function showDone(run) {
    const noun = run.tokens === 1 ? "token" : "tokens";
    const usage = run.usage ? ` (usage: ${describeUsage(run.usage)})` : "";
    setStatus("done", `done — ${run.tokens} ${noun}${usage}`);
  }

  // Server errors read "code: sentence"; anything else (transport, negotiation) gets a client-side code.
  function showFailure(error) {
    const message = (error && error.message) || String(error);
    const coded = /^([a-z_]+): ([\s\S]*)$/.exec(message);
    if (coded) {
      setError(coded[1], coded[2]);
    } else if (/\b401\b|Unauthorized/.test(message)) {
      setError("unauthorized", "the API key was not accepted; check it or clear it to connect anonymously");
    } else {
      setError("connection_error", message);
    }
  }

  function setRunning(running) {
    startButton.disabled = running;
    cancelButton.disabled = !running;
  }

  function newRequestId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function isCurrent(requestId) {
    return current !== null && current.requestId === requestId;
  }

  function buildConnection(key) {
    const built = new signalR.HubConnectionBuilder()
      .withUrl(HUB_URL, {
        transport: signalR.HttpTransportType.WebSockets,
        accessTokenFactory: key ? () => key : undefined,
      })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();

    built.on("Queued", (requestId, position) => {
      if (isCurrent(requestId) && !current.finished) setStatus("queued", `${ordinal(position)} in line`);
    });
    built.on("Started", (requestId, region) => {
      if (isCurrent(requestId) && !current.finished) setStatus("streaming", `streaming from ${region}`);
    });
    built.on("Usage", (requestId, usage) => {
      if (!isCurrent(requestId)) return;
      current.usage = usage;
      // Usage can overtake the last stream items; the done line picks it up either way.
      if (current.finished === "done") showDone(current);
    });
    // GroupToken / GroupCompleted are for group members; this page joins no group.
    built.on("GroupToken", () => {});
    built.on("GroupCompleted", () => {});

    built.onreconnecting(() => {
      if (current === null || current.finished) setStatus("connecting", "reconnecting");
    });
    built.onreconnected(() => {
      if (current === null || current.finished) setStatus("idle", "reconnected");
    });
    return built;
  }

  async function ensureConnected() {
    const key = apiKey.value.trim();
    if (connection !== null && connectionKey !== key) {
      // The key travels when the connection opens (WebSocket query string), so a new key needs a new one.
      const old = connection;
      connection = null;
      await old.stop();
    }
    if (connection === null) {
      connection = buildConnection(key);
      connectionKey = key;
    }
    if (connection.state === signalR.HubConnectionState.Disconnected) {
      await connection.start();
    } else if (connection.state !== signalR.HubConnectionState.Connected) {
      // Connecting or Reconnecting: wait for it to settle.
      await new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (connection.state === signalR.HubConnectionState.Connected) {
            clearInterval(poll);
            resolve();
          } else if (connection.state === signalR.HubConnectionState.Disconnected || Date.now() - started > 30000) {
            clearInterval(poll);
            reject(new Error("the connection to StreamHub could not be re-established"));
          }
        }, 100);
      });
    }
    return connection;
  }

  function buildRequest(requestId) {
    const request = { requestId, prompt: prompt.value, priority: priority.value };
    const limit = maxTokens.value.trim();
    if (limit !== "") request.maxTokens = Number(limit);
    return request;
  }

  async function start() {
    if (current !== null && !current.finished) return;
    const requestId = newRequestId();
    const run = { requestId, subscription: null, tokens: 0, usage: null, finished: null };
    current = run;
    output.replaceChildren();
    setRunning(true);
    setStatus("connecting", "connecting");

    let hub;
    try {
      hub = await ensureConnected();
    } catch (error) {
      if (current !== run || run.finished) return;
      run.finished = "error";
      setRunning(false);
      showFailure(error);
      return;
    }
    if (current !== run || run.finished) return;
    setStatus("waiting", "waiting for a slot");

    run.subscription = hub.stream("Stream", buildRequest(requestId)).subscribe({
      next: (token) => {
        if (run.finished) return;
        run.tokens += 1;
        output.append(token);
      },
      complete: () => {
        if (run.finished) return;
        run.finished = "done";
        setRunning(false);
        showDone(run);
      },
      error: (error) => {
        if (run.finished) return;
        run.finished = "error";
        setRunning(false);
        showFailure(error);
      },
    });
  }

  function cancel() {
    const run = current;
    if (run === null || run.finished) return;
    run.finished = "cancelled";
    // Disposing sends CancelInvocation: the hub's token fires and the upstream request ends.
    if (run.subscription !== null) run.subscription.dispose();
    setRunning(false);
    setStatus("cancelled", `cancelled after ${run.tokens} ${run.tokens === 1 ? "token" : "tokens"}`);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    start();
  });
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  cancelButton.addEventListener("click", cancel);
})();
