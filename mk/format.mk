# format-check: the C sources against .clang-format (mk/format_check.sh).
#   make format-check                    the lines changed since HEAD (and new files)
#   make format-check FORMAT_BASE=main   the lines a branch changed since it left main
#   make format-check FORMAT_BASE=       every tracked *.c and *.h, whole
# Skipped with a message when clang-format is not installed (a developer tool,
# not installed by `make deps`). Not part of `make test`.
CLANG_FORMAT ?= clang-format
FORMAT_BASE  ?= HEAD
.PHONY: format-check
format-check:
	@bash mk/format_check.sh '$(CLANG_FORMAT)' '$(FORMAT_BASE)'
