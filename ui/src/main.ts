import { mount } from "svelte";
import "./app.css";
import { prefetchPortfolioSummary } from "./api/rates";
import App from "./App.svelte";
import { markPlatform } from "./lib/platform";
import { followSystemTheme } from "./lib/preferences.svelte";

markPlatform();
followSystemTheme();
prefetchPortfolioSummary();

const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks #app");

export default mount(App, { target });
