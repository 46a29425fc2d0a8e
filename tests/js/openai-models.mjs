// Lists the models StreamHub offers with the official `openai` npm package's models.list().
//   node tests/js/openai-models.mjs <baseUrl> <key>
// Prints one JSON line: { models: [{ id, object, owned_by }] }, or { error: { status, code } } for an API error (exit 2).
import OpenAI from "openai";

const [baseUrl, apiKey] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node tests/js/openai-models.mjs <baseUrl> <key>");
  process.exit(64);
}

const client = new OpenAI({ baseURL: new URL("v1", baseUrl).toString(), apiKey, maxRetries: 0, timeout: 20_000 });
try {
  const models = [];
  for await (const model of client.models.list()) {
    models.push({ id: model.id, object: model.object, owned_by: model.owned_by });
  }

  console.log(JSON.stringify({ models }));
} catch (error) {
  if (error instanceof OpenAI.APIError) {
    console.log(JSON.stringify({ error: { status: error.status ?? null, code: error.code ?? null, message: error.message } }));
    process.exit(2);
  }

  throw error;
}
