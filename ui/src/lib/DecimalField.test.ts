import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import DecimalField from "./DecimalField.svelte";

afterEach(cleanup);

describe("DecimalField", () => {
  it("is a decimal text input named by its label, with its hint", () => {
    render(DecimalField, { label: "Cost per coin in USD", hint: "(optional)", field: "cost" });
    const input = screen.getByLabelText(/Cost per coin in USD/);
    expect(input).toHaveAttribute("inputmode", "decimal");
    expect(input).toHaveAttribute("data-field", "cost");
    expect(screen.getByText("(optional)")).toBeInTheDocument();
  });

  it("shows its problem only once the form was submitted", async () => {
    const view = render(DecimalField, {
      label: "Amount",
      field: "amount",
      problem: "Enter a number",
      touched: false,
    });
    expect(screen.queryByText("Enter a number")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Amount")).toHaveAttribute("aria-invalid", "false");
    await view.rerender({
      label: "Amount",
      field: "amount",
      problem: "Enter a number",
      touched: true,
    });
    expect(screen.getByText("Enter a number")).toBeInTheDocument();
    expect(screen.getByLabelText("Amount")).toHaveAttribute("aria-invalid", "true");
  });
});
