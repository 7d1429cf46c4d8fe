// Asks sqlrl serve through the official openai client, as any OpenAI tool would, and prints what it got as JSON.
// Usage: node check.mjs BASE_URL (e.g. http://127.0.0.1:8080/v1)
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.argv[2], apiKey: process.env.SQLRL_API_KEY || "none", maxRetries: 0 });
const messages = [
  { role: "system", content: "You write SQLite queries." },
  { role: "user", content: "How many staff are there?" },
];

const whole = await client.chat.completions.create({ model: "sqlrl", messages, temperature: 0, max_tokens: 8 });
let streamed = "";
let finish = null;
const stream = await client.chat.completions.create({ model: "sqlrl", messages, temperature: 0, max_tokens: 8, stream: true });
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
}
let refused = null;
try {
  await client.chat.completions.create({ model: "sqlrl", messages: [] });
} catch (e) {
  refused = { status: e.status, code: e.error?.code ?? e.code ?? null };
}
console.log(JSON.stringify({
  object: whole.object,
  content: whole.choices[0].message.content,
  finish_reason: whole.choices[0].finish_reason,
  usage: whole.usage,
  streamed,
  stream_finish_reason: finish,
  refused,
}));
