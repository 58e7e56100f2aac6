# Warning flags shared by every target. -Werror unless TH_WERROR=OFF.
function(th_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wformat=2 -Wno-unused-parameter)
  if(TH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
