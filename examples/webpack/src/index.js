import { runFlow } from "./flow.js";

const out = document.querySelector("#result");
runFlow().then(
  (result) => {
    out.textContent = JSON.stringify(result, null, 2);
    document.body.dataset.status = "ok";
  },
  (error) => {
    out.textContent = `${error.code ?? "Error"}: ${error.message}`;
    document.body.dataset.status = "error";
  },
);
