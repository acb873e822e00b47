import { runFlow } from "./flow";

const out = document.querySelector<HTMLPreElement>("#result")!;
runFlow().then(
  (result) => {
    out.textContent = JSON.stringify(result, null, 2);
    document.body.dataset.status = "ok";
  },
  (error: Error & { code?: string }) => {
    out.textContent = `${error.code ?? "Error"}: ${error.message}`;
    document.body.dataset.status = "error";
  },
);
