"""Where signs go: entry roads, the covering model, proposals and relocation."""
