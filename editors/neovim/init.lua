-- arkitektur lsp i Neovim / in Neovim: 0.7–0.10 (vim.lsp.start_client) and 0.11+ (vim.lsp.config).
-- Brug / use:  nvim -u editors/neovim/init.lua models/viborg/systemanvendelser.ttl
-- or copy the part you need into your own init.lua (docs/editor.md).
-- ARKITEKTUR_CMD: the command, if `arkitektur` is not on PATH (e.g. a venv's .venv/bin/arkitektur).

local cmd = { os.getenv("ARKITEKTUR_CMD") or "arkitektur", "lsp" }
local init_options = { lang = os.getenv("ARKITEKTUR_LANG") or "da" }

-- .ttl is Turtle (else it may become "teraterm"); 0.7 reads filetype.lua only on request
vim.filetype.add({ extension = { ttl = "turtle" } })
vim.g.do_filetype_lua = 1

vim.diagnostic.config({ virtual_text = { spacing = 2 }, signs = true, severity_sort = true, float = { border = "rounded" } })

-- The keys of docs/editor.md (0.11 maps most of them itself: gra, K, grn, grr).
local function on_attach(buf)
  local o = { buffer = buf }
  vim.keymap.set("n", "K", vim.lsp.buf.hover, o)
  vim.keymap.set("n", "gd", vim.lsp.buf.definition, o)
  vim.keymap.set("n", "gr", vim.lsp.buf.references, o)
  vim.keymap.set("n", "<leader>rn", vim.lsp.buf.rename, o)
  vim.keymap.set("n", "<leader>ca", vim.lsp.buf.code_action, o)
  vim.keymap.set("n", "<leader>e", vim.diagnostic.open_float, o)
  vim.bo[buf].omnifunc = "v:lua.vim.lsp.omnifunc"  -- completion: CTRL-X CTRL-O
end

if vim.lsp.config and vim.lsp.enable then  -- Neovim 0.11+
  vim.lsp.config("arkitektur", {
    cmd = cmd,
    filetypes = { "turtle" },
    root_markers = { "arkitektur.toml", ".git" },
    init_options = init_options,
  })
  vim.lsp.enable("arkitektur")
  vim.api.nvim_create_autocmd("LspAttach", { callback = function(args) on_attach(args.buf) end })
else  -- Neovim 0.7–0.10: one client for the repository, attached to every Turtle buffer
  local client_id
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "turtle",
    callback = function(args)
      if not client_id then
        local file = vim.api.nvim_buf_get_name(args.buf)
        local marker = vim.fn.findfile("arkitektur.toml", vim.fn.fnamemodify(file, ":p:h") .. ";")
        local root = marker ~= "" and vim.fn.fnamemodify(marker, ":p:h") or vim.fn.getcwd()
        client_id = vim.lsp.start_client({
          name = "arkitektur",
          cmd = cmd,
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
          init_options = init_options,
          on_attach = function(_, buf) on_attach(buf) end,  -- 0.7 has no LspAttach event
        })
      end
      vim.lsp.buf_attach_client(args.buf, client_id)
    end,
  })
end
