// Streams one chat completion through StreamHub with the official `openai` npm package.
//   node tests/js/openai-stream.mjs <baseUrl> <key> [prompt] [maxTokens] [--cancel-after=N] [--reasoning-effort=E]
// Prints one JSON line: { text, reasoning, chunks, usage, finish } on success (reasoning: the reasoning_content deltas), or { error: { status, code } } for an
// API error (exit 2). With --cancel-after=N it aborts after N content chunks, prints
// { cancelled: true, chunks } and stays alive (the test checks the upstream ends before this exits).
import OpenAI from "openai";

const [baseUrl, apiKey, prompt = "Tell me about rivers", maxTokens = "12", ...flags] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node tests/js/openai-stream.mjs <baseUrl> <key> [prompt] [maxTokens] [--cancel-after=N]");
  process.exit(64);
}

const cancelAfter = Number((flags.find((f) => f.startsWith("--cancel-after=")) ?? "=0").split("=")[1]);
const effort = flags.find((f) => f.startsWith("--reasoning-effort="))?.split("=")[1];
const client = new OpenAI({ baseURL: new URL("v1", baseUrl).toString(), apiKey, maxRetries: 0, timeout: 20_000 });

try {
  const stream = await client.chat.completions.create({
    model: "emulator-1",
    messages: [{ role: "user", content: prompt }],
    max_tokens: Number(maxTokens),
    stream: true,
    stream_options: { include_usage: true },
    ...(effort ? { reasoning_effort: effort } : {}),
  });

  let text = "";
  let reasoning = "";
  let chunks = 0;
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    reasoning += choice?.delta?.reasoning_content ?? "";
    if (choice?.delta?.content) {
      text += choice.delta.content;
      chunks++;
      if (cancelAfter > 0 && chunks === cancelAfter) {
        stream.controller.abort();
        console.log(JSON.stringify({ cancelled: true, chunks }));
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        process.exit(0);
      }
    }
    finish = choice?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }

  console.log(JSON.stringify({ text, reasoning, chunks, usage, finish }));
} catch (error) {
  if (error instanceof OpenAI.APIError) {
    console.log(JSON.stringify({ error: { status: error.status ?? null, code: error.code ?? null, message: error.message } }));
    process.exit(2);
  }

  throw error;
}
