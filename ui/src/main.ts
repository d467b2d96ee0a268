import { mount } from "svelte";
import "./app.css";
import { prefetchPortfolioSummary } from "./api/rates";
import App from "./App.svelte";
import { followSystemTheme } from "./lib/preferences.svelte";

followSystemTheme();
prefetchPortfolioSummary();

const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks #app");

export default mount(App, { target });
