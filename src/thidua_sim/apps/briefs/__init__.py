"""Brief notebooks: sections and the batch that runs them."""
