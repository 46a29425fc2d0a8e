// StreamHub's chat page: the conversation lives here and every turn sends all of it as `messages`; the
// answer streams as typed events (reasoning folded away above it, tool calls as they arrive) through
// streamhub-client.js, which resumes after a dropped connection.
// Model output only ever reaches the DOM as text nodes (never innerHTML).
import { StreamHubClient } from "./streamhub-client.js";

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
const newConversationButton = $("new-conversation");
const conversation = $("conversation");
const emptyConversation = $("empty-conversation");
const status = $("status");
const assistantTemplate = $("assistant-turn");

let client = null;
let clientKey = null;
// The messages the next turn sends before its own: every finished exchange, oldest first.
let history = [];
// The turn in flight: { request, view, text, tokens, usage, finished }.
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

function setError(error) {
  status.dataset.state = "error";
  const code = document.createElement("code");
  code.id = "error-code";
  code.textContent = error.code;
  status.replaceChildren(code, document.createTextNode(error.sentence ? " " + error.sentence : ""));
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

function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describeUsage(usage) {
  const parts = [`${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens} tokens`];
  if (usage.model) parts.push(usage.model);
  if (usage.region) parts.push(usage.region);
  if (usage.cost !== null && usage.cost !== undefined) parts.push("cost " + usage.cost);
  return parts.join(" · ");
}

function setRunning(running) {
  startButton.disabled = running;
  cancelButton.disabled = !running;
  newConversationButton.disabled = running;
}

/** One client per key: the key travels when the connection opens, so a new key needs a new connection. */
function hub() {
  const key = apiKey.value.trim();
  if (client !== null && clientKey === key) return client;
  client?.stop().catch(() => {});
  client = new StreamHubClient(HUB_URL, { accessTokenFactory: key ? () => key : undefined });
  clientKey = key;
  return client;
}

function appendUserTurn(text) {
  const turn = document.createElement("article");
  turn.className = "turn user";
  turn.setAttribute("aria-label", "You");
  const message = document.createElement("p");
  message.className = "message";
  message.textContent = text;
  turn.append(message);
  emptyConversation.hidden = true;
  conversation.append(turn);
}

function appendAssistantTurn() {
  const turn = assistantTemplate.content.firstElementChild.cloneNode(true);
  conversation.append(turn);
  return {
    turn,
    reasoning: turn.querySelector(".reasoning"),
    reasoningText: turn.querySelector(".reasoning-text"),
    toolCalls: turn.querySelector(".tool-calls"),
    calls: new Map(),
    answer: turn.querySelector(".answer"),
    refusal: turn.querySelector(".refusal"),
    note: turn.querySelector(".turn-note"),
  };
}

/** A tool call's first delta carries its id and name; later ones only more of its arguments. */
function showToolCall(view, event) {
  let call = view.calls.get(event.index);
  if (call === undefined) {
    const item = document.createElement("li");
    item.className = "tool-call";
    const name = document.createElement("code");
    name.className = "tool-name";
    const args = document.createElement("pre");
    args.className = "tool-arguments";
    item.append(name, args);
    view.toolCalls.append(item);
    view.toolCalls.hidden = false;
    call = { item, name, args };
    view.calls.set(event.index, call);
  }
  if (event.name) call.name.textContent = event.name;
  if (event.id) call.item.dataset.callId = event.id;
  if (event.arguments) call.args.append(event.arguments);
}

function show(run, event) {
  const view = run.view;
  switch (event.type) {
    case "text":
      run.tokens += 1;
      run.text += event.text;
      view.answer.append(event.text);
      break;
    case "reasoning":
      // Folded away (a closed <details>) above the answer; the reader opens it if they care.
      view.reasoning.hidden = false;
      view.reasoningText.append(event.text);
      break;
    case "refusal":
      view.refusal.hidden = false;
      view.refusal.append(event.text);
      break;
    case "toolCall":
      showToolCall(view, event);
      break;
    default:
      // finish and usage end up in the done line.
      break;
  }
}

function finish(run, state, note) {
  run.finished = state;
  if (note) {
    run.view.note.textContent = note;
    run.view.note.hidden = false;
  }
  run.view.answer.setAttribute("aria-busy", "false");
  run.view.turn.dataset.state = state;
  setRunning(false);
}

function showDone(run, result) {
  const usage = result.usage ? ` (usage: ${describeUsage(result.usage)})` : "";
  const calls = run.view.calls.size > 0 ? `, ${plural(run.view.calls.size, "tool call")}` : "";
  setStatus("done", `done — ${plural(run.tokens, "token")}${calls}${usage}`);
}

function remember(run) {
  const messages = [...run.messages];
  // A turn that only called tools is left out: this page runs no tools, so it has no results to send back.
  if (run.text !== "") messages.push({ role: "assistant", content: run.text });
  history = messages;
}

function buildRequest(messages) {
  const request = { messages, priority: priority.value };
  const limit = maxTokens.value.trim();
  if (limit !== "") request.maxTokens = Number(limit);
  return request;
}

async function send() {
  if (current !== null && !current.finished) return;
  const text = prompt.value;
  const messages = [...history, { role: "user", content: text }];
  prompt.value = "";
  appendUserTurn(text);
  const run = { messages, prompt: text, view: appendAssistantTurn(), text: "", tokens: 0, finished: null, request: null };
  current = run;
  setRunning(true);
  setStatus("waiting", "waiting for a slot");

  run.request = hub().stream(buildRequest(messages), {
    onEvent: (event) => show(run, event),
    onQueued: (position) => {
      if (!run.finished) setStatus("queued", `${ordinal(position)} in line`);
    },
    onStarted: (region) => {
      if (!run.finished) setStatus("streaming", `streaming from ${region}`);
    },
    onReconnecting: () => {
      if (!run.finished) setStatus("connecting", "connection lost; reconnecting to pick the answer up");
    },
    onResumed: (lastSeq) => {
      if (!run.finished) setStatus("streaming", `resumed after event ${lastSeq}`);
    },
  });

  try {
    const result = await run.request.done;
    if (run.finished) return;
    finish(run, "done");
    remember(run);
    showDone(run, result);
  } catch (error) {
    if (run.finished) return;
    const said = run.text !== "" || run.view.calls.size > 0;
    finish(run, "error", `${said ? "Broke off" : "No answer"}: ${error.code}`);
    setError(error);
    // Not part of the conversation: the message goes back to the box to send again.
    if (prompt.value === "") prompt.value = run.prompt;
  }
}

function cancel() {
  const run = current;
  if (run === null || run.finished) return;
  finish(run, "cancelled", "Cancelled");
  run.request.cancel();
  // What was said so far stays in the conversation.
  remember(run);
  setStatus("cancelled", `cancelled after ${plural(run.tokens, "token")}`);
}

function newConversation() {
  if (current !== null && !current.finished) return;
  history = [];
  conversation.replaceChildren(emptyConversation);
  emptyConversation.hidden = false;
  setStatus("idle", "ready");
  prompt.focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
prompt.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});
cancelButton.addEventListener("click", cancel);
newConversationButton.addEventListener("click", newConversation);
